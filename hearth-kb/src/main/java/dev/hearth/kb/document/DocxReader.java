package dev.hearth.kb.document;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.poi.openxml4j.exceptions.InvalidFormatException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.xwpf.usermodel.IBodyElement;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFParagraph;
import org.apache.poi.xwpf.usermodel.XWPFSDT;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.apache.poi.xwpf.usermodel.XWPFTableCell;
import org.apache.poi.xwpf.usermodel.XWPFTableRow;

/**
 * Word documents through POI's XWPF: the body's paragraphs in order, those styled "Heading n" as
 * headings (matched on the style's name, which Word keeps in English even where the style id is
 * localised, e.g. "1" in Chinese Word; WPS's "标题 n" too), "Title" as the title and a level-1
 * heading, and tables as rows labelled by their first row. Headers, footers, footnotes and
 * comments are left out. Pages are not kept: a .docx has none until a word processor lays it out.
 */
final class DocxReader {

    private static final Pattern HEADING_STYLE = Pattern.compile("(?i)(?:heading|标题)\\s*([1-9])");
    private static final Pattern TITLE_STYLE = Pattern.compile("(?i)(?:title|标题)(?:\\s.*)?");

    private DocxReader() {}

    static ParsedDocument read(Path file, long maxChars) throws IOException, InvalidFormatException,
            DocumentException {
        OPCPackage pkg = OfficePackage.open(file, Format.DOCX, "wordprocessingml", "ms-word");
        XWPFDocument opened;
        try {
            opened = new XWPFDocument(pkg);
        } catch (IOException | RuntimeException e) {
            pkg.revert(); // release the file; a read-only package is never saved
            throw e;
        }
        try (XWPFDocument docx = opened) {
            DocumentBuilder doc = new DocumentBuilder(Format.DOCX, maxChars);
            String styledTitle = null;
            for (IBodyElement element : docx.getBodyElements()) {
                switch (element) {
                    case XWPFParagraph p -> {
                        String style = styleName(docx, p);
                        Matcher heading = HEADING_STYLE.matcher(style);
                        if (TITLE_STYLE.matcher(style).matches()) {
                            styledTitle = styledTitle == null ? p.getText() : styledTitle;
                            doc.heading(1, p.getText(), 0);
                        } else if (heading.find()) {
                            doc.heading(Integer.parseInt(heading.group(1)), p.getText(), 0);
                        } else {
                            doc.paragraph(p.getText(), 0);
                        }
                    }
                    case XWPFTable t -> table(doc, t);
                    case XWPFSDT sdt -> doc.paragraph(sdt.getContent().getText(), 0);
                    default -> { } // other body elements carry no text of their own
                }
            }
            String declared = docx.getProperties().getCoreProperties().getTitle();
            String title = declared != null && !declared.isBlank() ? declared : styledTitle;
            return doc.build(file, Optional.ofNullable(title), Optional.empty(), "no text in the document body");
        }
    }

    /** The paragraph style's name ("heading 1"), else its id, else empty. */
    private static String styleName(XWPFDocument docx, XWPFParagraph p) {
        String id = p.getStyleID();
        if (id == null) {
            return "";
        }
        XWPFStyle style = docx.getStyles() == null ? null : docx.getStyles().getStyle(id);
        String name = style == null ? null : style.getName();
        return name == null ? id : name + " " + id;
    }

    private static void table(DocumentBuilder doc, XWPFTable table) {
        List<XWPFTableRow> rows = table.getRows();
        if (rows.size() == 1) {
            doc.row(Records.render(List.of(), cells(rows.getFirst())), 0);
            return;
        }
        List<String> header = rows.isEmpty() ? List.of() : cells(rows.getFirst());
        for (XWPFTableRow row : rows.subList(Math.min(1, rows.size()), rows.size())) {
            doc.row(Records.render(header, cells(row)), 0);
        }
    }

    private static List<String> cells(XWPFTableRow row) {
        return row.getTableCells().stream().map(XWPFTableCell::getText).toList();
    }
}
