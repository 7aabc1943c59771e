package dev.lamina.controller;

import dev.lamina.images.ImagesConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Makes the configured {@link ControllerSettings} injectable. */
public class ControllerSettingsProducer {

    @Produces
    @Singleton
    ControllerSettings controllerSettings(ControllerConfig config, ImagesConfig images,
                                          @ConfigProperty(name = "lamina.gateway.url-domain") Optional<String> domain) {
        return config.toSettings(domain, images.toSettings());
    }
}
