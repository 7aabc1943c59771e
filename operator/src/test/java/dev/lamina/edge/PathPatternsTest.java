package dev.lamina.edge;

import static dev.lamina.edge.EdgeFixtures.behavior;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lamina.api.DistributionSpec;
import dev.lamina.api.DistributionSpec.CacheBehavior;
import dev.lamina.api.DistributionSpec.Origin;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PathPatternsTest {

    private static boolean matches(String pattern, String uri) {
        return new PathPattern(pattern).matches(PathPatterns.normalize(uri));
    }

    @Test
    void starMatchesAnyRunIncludingSlashes() {
        assertTrue(matches("*.jpg", "/a.jpg"));
        assertTrue(matches("*.jpg", "/images/2024/deep/a.jpg"));
        assertFalse(matches("*.jpg", "/a.jpeg"));
        assertTrue(matches("images/*", "/images/"));
        assertTrue(matches("images/*", "/images/x/y.png"));
        assertFalse(matches("images/*", "/images"));
        assertFalse(matches("images/*", "/static/images/x"));
        assertTrue(matches("*", "/"));
        assertTrue(matches("*.doc*", "/files/a.docx"));
        assertTrue(matches("*.doc*", "/files/a.doc"));
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        assertTrue(matches("/api/v?/*", "/api/v1/users"));
        assertTrue(matches("/api/v?/*", "/api/v2/"));
        assertFalse(matches("/api/v?/*", "/api/v10/users"));
        assertFalse(matches("/api/v?/*", "/api/v/users"));
        assertTrue(matches("a??.jpg", "/ant.jpg"));
        assertFalse(matches("a??.jpg", "/an.jpg"));
        assertFalse(matches("*.doc?", "/a.doc"));
    }

    @Test
    void leadingSlashIsOptionalAndCaseCounts() {
        assertTrue(matches("/images/*.jpg", "/images/a.jpg"));
        assertTrue(matches("images/*.jpg", "/images/a.jpg"));
        assertFalse(matches("*.jpg", "/LOGO.JPG"));
        assertFalse(matches("Images/*", "/images/a"));
    }

    @Test
    void pathsAreNormalisedBeforeMatching() {
        assertEquals("/admin/users", PathPatterns.normalize("/demo/../admin/users"));
        assertEquals("/admin/users", PathPatterns.normalize("/%61dmin//./users"));
        assertEquals("/a%2Fb", PathPatterns.normalize("/a%2fb"));
        assertEquals("/images/", PathPatterns.normalize("/images/x/.."));
        assertEquals("/", PathPatterns.normalize("/"));
        assertTrue(matches("admin/*", "/demo/../admin/users"));
        assertFalse(matches("demo/*", "/demo/../admin/users"));
        assertFalse(matches("a/*", "/a%2Fb"));
    }

    @Test
    void firstMatchingBehaviourInOrderWinsElseTheDefault() {
        CacheBehavior jpgInImages = behavior("images/*.jpg", null, null);
        CacheBehavior images = behavior("/images/*", null, null);
        CacheBehavior gif = behavior("*.gif", null, null);
        CacheBehavior fallback = behavior(null, null, null);
        DistributionSpec spec = new DistributionSpec(
                List.of(new Origin("origin", "https://example.org", null, null, null, null, null)),
                fallback, List.of(jpgInImages, images, gif), null, null, null);
        PathPatterns patterns = PathPatterns.of(spec);

        assertSame(jpgInImages, patterns.behaviorFor("/images/a/b.jpg"));
        assertSame(images, patterns.behaviorFor("/images/sample.gif"));
        assertSame(gif, patterns.behaviorFor("/other/sample.gif"));
        assertSame(fallback, patterns.behaviorFor("/index.html"));
        assertSame(fallback, patterns.behaviorFor("/IMAGES/a.jpg"));
    }
}
