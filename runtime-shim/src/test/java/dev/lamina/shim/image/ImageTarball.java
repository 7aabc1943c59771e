package dev.lamina.shim.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A container image as a Docker-format tarball ({@code docker save}, Jib's {@code buildTar}): read its configuration
 * and its files, or write a one-layer base image. Enough of the tar format (ustar, PAX path records) for that.
 */
record ImageTarball(JsonNode config, Map<String, Integer> fileModes) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BLOCK = 512;

    static ImageTarball read(Path tarball) throws IOException {
        Map<String, Entry> entries = entries(Files.readAllBytes(tarball));
        JsonNode manifest = JSON.readTree(entries.get("manifest.json").content()).get(0);
        Map<String, Integer> modes = new LinkedHashMap<>();
        for (JsonNode layer : manifest.get("Layers")) {
            byte[] bytes = entries.get(layer.asText()).content();
            InputStream in = new ByteArrayInputStream(bytes);
            byte[] layerTar = isGzip(bytes) ? new GZIPInputStream(in).readAllBytes() : bytes;
            entries(layerTar).forEach((name, entry) -> modes.put("/" + name.replaceFirst("^\\./", ""), entry.mode()));
        }
        return new ImageTarball(JSON.readTree(entries.get(manifest.get("Config").asText()).content()), modes);
    }

    /** A base image of one layer holding {@code files} (path → content), running as {@code user}. */
    static void writeBase(Path tarball, String user, Map<String, String> files) throws IOException {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        for (var file : files.entrySet()) {
            writeEntry(layer, file.getKey(), file.getValue().getBytes(StandardCharsets.UTF_8), 0644);
        }
        layer.write(new byte[2 * BLOCK]);
        byte[] layerBytes = layer.toByteArray();
        String config = JSON.writeValueAsString(Map.of("architecture", "amd64", "os", "linux",
                "config", Map.of("User", user, "Env", List.of("PATH=/usr/local/bin:/usr/bin:/bin")),
                "rootfs", Map.of("type", "layers", "diff_ids", List.of("sha256:" + sha256(layerBytes)))));
        String manifest = JSON.writeValueAsString(List.of(Map.of("Config", "config.json",
                "RepoTags", List.of("base:test"), "Layers", List.of("layer.tar"))));
        try (OutputStream out = Files.newOutputStream(tarball)) {
            writeEntry(out, "config.json", config.getBytes(StandardCharsets.UTF_8), 0644);
            writeEntry(out, "layer.tar", layerBytes, 0644);
            writeEntry(out, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
            out.write(new byte[2 * BLOCK]);
        }
    }

    private record Entry(byte[] content, int mode) {
    }

    private static Map<String, Entry> entries(byte[] tar) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        String longName = null;
        for (int at = 0; at + BLOCK <= tar.length && tar[at] != 0; ) {
            String name = text(tar, at, 100);
            String prefix = text(tar, at + 345, 155);
            int mode = (int) octal(tar, at + 100, 8);
            int size = (int) octal(tar, at + 124, 12);
            char type = (char) tar[at + 156];
            byte[] content = new byte[size];
            System.arraycopy(tar, at + BLOCK, content, 0, size);
            at += BLOCK + (size + BLOCK - 1) / BLOCK * BLOCK;
            if (type == 'x') {
                longName = paxPath(new String(content, StandardCharsets.UTF_8));
                continue;
            }
            String path = longName != null ? longName : prefix.isEmpty() ? name : prefix + "/" + name;
            longName = null;
            entries.put(path.replaceFirst("/$", ""), new Entry(content, mode));
        }
        return entries;
    }

    /** A PAX header's {@code path} record ("LEN path=VALUE\n"), if any. */
    private static String paxPath(String records) {
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 6);
            }
        }
        return null;
    }

    private static void writeEntry(OutputStream out, String name, byte[] content, int mode) throws IOException {
        byte[] header = new byte[BLOCK];
        put(header, 0, name);
        put(header, 100, String.format("%07o", mode));
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", content.length));
        put(header, 136, "00000000000");
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        Arrays.fill(header, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[154] = 0;
        out.write(header);
        out.write(content);
        out.write(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
    }

    private static void put(byte[] header, int at, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, at, bytes.length);
    }

    private static String text(byte[] tar, int at, int length) {
        int end = at;
        while (end < at + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, at, end - at, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] tar, int at, int length) {
        String digits = text(tar, at, length).trim();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }

    private static boolean isGzip(byte[] bytes) {
        return bytes.length > 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
