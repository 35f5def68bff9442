package dev.hearth.kb.document;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * PDF through PDFBox, one page at a time so that every paragraph keeps its 1-based page number.
 * Paragraphs are PDFBox's own guesses (from line spacing and indentation); within one, the visual
 * line wraps are joined. PDFs have no reliable headings, so none are made up.
 *
 * <p>An encrypted PDF that opens with the empty user password (owner-password "protection" only)
 * is read like any other; one that needs a password is refused as encrypted.
 */
final class PdfReader {

    /** Marks PDFBox's paragraph ends in the stripped text; a char no PDF text contains. */
    private static final String PARAGRAPH_END = "\u2029";

    private PdfReader() {}

    static ParsedDocument read(Path file, long maxChars) throws IOException, DocumentException {
        PDDocument pdf;
        try {
            pdf = Loader.loadPDF(file.toFile());
        } catch (InvalidPasswordException e) {
            throw new DocumentException(file, "encrypted: the PDF needs a password to open", e);
        }
        try (pdf) {
            DocumentBuilder doc = new DocumentBuilder(Format.PDF, maxChars);
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setLineSeparator("\n");
            stripper.setParagraphStart("");
            stripper.setParagraphEnd(PARAGRAPH_END);
            for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                for (String paragraph : stripper.getText(pdf).split(PARAGRAPH_END)) {
                    doc.paragraph(DocumentBuilder.unwrap(Arrays.asList(paragraph.split("\n"))), page);
                }
            }
            Optional<String> title = Optional.ofNullable(pdf.getDocumentInformation().getTitle());
            String whenEmpty = pdf.getNumberOfPages() == 0 ? "the PDF has no pages"
                    : "no extractable text (scanned? the pages are images; run OCR first)";
            return doc.build(file, title, Optional.empty(), whenEmpty);
        }
    }
}
