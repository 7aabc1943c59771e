package dev.lamina.shim;

public final class Main {
    public static void main(String[] args) {
        System.out.println("lamina-shim");
    }
}
