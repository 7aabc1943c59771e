package example.thumbnail;

/** The function's configuration: environment variables of its Function resource. */
final class Environment {

    private Environment() {
    }

    /** A variable that must be set; fails the function's initialisation, saying which, when it is not. */
    static String required(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
