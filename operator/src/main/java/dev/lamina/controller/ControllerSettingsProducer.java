package dev.lamina.controller;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the configured {@link ControllerSettings} injectable. */
public class ControllerSettingsProducer {

    @Produces
    @Singleton
    ControllerSettings controllerSettings(ControllerConfig config) {
        return config.toSettings();
    }
}
