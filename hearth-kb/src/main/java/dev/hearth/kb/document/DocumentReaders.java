package dev.hearth.kb.document;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads a file into a {@link ParsedDocument}, choosing the reader by the file's extension and
 * checking its first bytes where that is cheap (a .pdf must be a PDF, a .docx or .xlsx a zip).
 *
 * <p>Every failure is a {@link DocumentException} naming the file and what was expected: an
 * unsupported extension, a missing, unreadable, empty or oversized file, an encrypted or scanned
 * PDF, a zip bomb, a corrupt file. Nothing else escapes for a bad file, so a batch can report it
 * and go on. Files over {@link #maxBytes()} are refused before they are read, and so is extracted
 * text longer than that many chars (which a small compressed Office file can expand into).
 *
 * <p>Immutable and thread-safe; each call reads one file on the calling thread.
 */
public final class DocumentReaders {

    /** 50 MiB: far beyond any manual or report, well below what would strain a 2 GiB heap. */
    public static final long DEFAULT_MAX_BYTES = 50L * 1024 * 1024;

    /** Leaves room for the String and its structure inside the JVM's largest array. */
    private static final long LARGEST_MAX_BYTES = 512L * 1024 * 1024;

    private final long maxBytes;

    private DocumentReaders(long maxBytes) {
        if (maxBytes < 1 || maxBytes > LARGEST_MAX_BYTES) {
            throw new IllegalArgumentException("maxBytes must be in 1.." + LARGEST_MAX_BYTES + ", got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** Readers with the {@linkplain #DEFAULT_MAX_BYTES default size limit}. */
    public static DocumentReaders standard() {
        return new DocumentReaders(DEFAULT_MAX_BYTES);
    }

    /** Readers that refuse files larger than {@code maxBytes} (at most 512 MiB). */
    public static DocumentReaders withMaxBytes(long maxBytes) {
        return new DocumentReaders(maxBytes);
    }

    /** The largest file, in bytes, and the longest extracted text, in chars, that are read. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The file's text and structure.
     *
     * @throws DocumentException if the file cannot be read as a document of its extension's format
     */
    public ParsedDocument read(Path file) throws DocumentException {
        Format format = formatOf(file);
        checkFile(file);
        try {
            return switch (format) {
                case TXT -> PlainTextReader.read(file, Files.readAllBytes(file), maxBytes);
                case MARKDOWN -> MarkdownReader.read(file, Files.readAllBytes(file), maxBytes);
                case CSV -> CsvReader.read(file, Files.readAllBytes(file), maxBytes);
                case HTML -> HtmlReader.read(file, Files.readAllBytes(file), maxBytes);
                case PDF -> {
                    requireMagic(file, "%PDF", "not a PDF (it does not start with %PDF)");
                    yield PdfReader.read(file, maxBytes);
                }
                case DOCX -> {
                    requireZip(file, format);
                    yield DocxReader.read(file, maxBytes);
                }
                case XLSX -> {
                    requireZip(file, format);
                    yield XlsxReader.read(file, maxBytes);
                }
            };
        } catch (DocumentException e) {
            throw e;
        } catch (DocumentBuilder.TooMuchText e) {
            throw new DocumentException(file, e.getMessage(), e);
        } catch (AccessDeniedException e) {
            throw new DocumentException(file, "cannot read: permission denied", e);
        } catch (Exception e) {
            // the libraries signal a corrupt file with any exception, checked or not
            throw new DocumentException(file, describe(e, format), e);
        }
    }

    private static Format formatOf(Path file) throws DocumentException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            throw new DocumentException(file, "no file extension, so no format (supported: "
                    + Format.supportedList() + ")");
        }
        String extension = name.substring(dot + 1);
        return Format.ofExtension(extension).orElseThrow(() -> new DocumentException(file, "unsupported format ."
                + extension.toLowerCase(Locale.ROOT) + " (supported: " + Format.supportedList() + ")"));
    }

    private void checkFile(Path file) throws DocumentException {
        if (Files.isDirectory(file)) {
            throw new DocumentException(file, "is a directory, not a file");
        }
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DocumentException(file, "no such file", e);
        } catch (IOException e) {
            throw new DocumentException(file, "cannot read: " + e.getMessage(), e);
        }
        if (!Files.isReadable(file)) {
            throw new DocumentException(file, "cannot read: permission denied");
        }
        if (size == 0) {
            throw new DocumentException(file, "empty file");
        }
        if (size > maxBytes) {
            throw new DocumentException(file, "file is " + size + " bytes, over the limit of " + maxBytes + " bytes");
        }
    }

    private static void requireZip(Path file, Format format) throws DocumentException, IOException {
        byte[] head = head(file);
        if (TextDecoding.startsWith(head, 0xD0, 0xCF, 0x11, 0xE0)) {
            // OOXML files with a password are wrapped in an OLE2 container, as are the old binary formats
            throw new DocumentException(file, "encrypted (password-protected) or an old binary Office file;"
                    + " save it as a ." + format.extensions().getFirst() + " without a password");
        }
        if (!TextDecoding.startsWith(head, 'P', 'K', 3, 4)) {
            throw new DocumentException(file, "not a ." + format.extensions().getFirst()
                    + " file (it is not a zip archive)");
        }
    }

    private static void requireMagic(Path file, String magic, String reason) throws DocumentException, IOException {
        // PDF readers accept junk before the header; so do we, within the first KiB
        String head = new String(head(file), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!head.contains(magic)) {
            throw new DocumentException(file, reason);
        }
    }

    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(1024);
        }
    }

    /** A reason for a library's failure; POI's zip-bomb guard gets words of its own. */
    private static String describe(Exception e, Format format) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("Zip bomb") || message.contains("zip bomb")) {
                return "looks like a zip bomb (a part expands far beyond its compressed size); refused";
            }
        }
        String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return "cannot read as " + format.name() + ": " + what;
    }
}
