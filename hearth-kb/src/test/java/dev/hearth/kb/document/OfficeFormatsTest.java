package dev.hearth.kb.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.apache.poi.ooxml.POIXMLDocument;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.xssf.usermodel.XSSFFormulaEvaluator;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.poi.xwpf.usermodel.XWPFDocument;
import org.apache.poi.xwpf.usermodel.XWPFStyle;
import org.apache.poi.xwpf.usermodel.XWPFTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTString;
import org.openxmlformats.schemas.wordprocessingml.x2006.main.CTStyle;

/** Word and Excel files, written here with POI itself. */
class OfficeFormatsTest {

    @TempDir
    Path dir;

    private Path save(POIXMLDocument document, String name) throws IOException {
        Path file = dir.resolve(name);
        try (document; OutputStream out = Files.newOutputStream(file)) {
            document.write(out);
        }
        return file;
    }

    private static List<String> blockTexts(ParsedDocument doc) {
        return doc.blocks().stream().map(doc::textOf).toList();
    }

    @Test
    void readsDocxHeadingsParagraphsAndTableRows() throws Exception {
        XWPFDocument docx = new XWPFDocument();
        // Chinese Word names its heading styles "1", "2"…; the style's name stays "heading 1"
        CTStyle localised = CTStyle.Factory.newInstance();
        localised.setStyleId("1");
        CTString name = CTString.Factory.newInstance();
        name.setVal("heading 1");
        localised.setName(name);
        docx.createStyles().addStyle(new XWPFStyle(localised));
        docx.getProperties().getCoreProperties().setTitle("员工手册");

        docx.createParagraph().createRun().setText("第一章 总则");
        docx.getParagraphs().getLast().setStyle("1");
        docx.createParagraph().createRun().setText("本手册适用于全体员工。");
        docx.createParagraph().createRun().setText("Leave");
        docx.getParagraphs().getLast().setStyle("Heading2");
        XWPFTable table = docx.createTable(3, 2);
        String[][] cells = {{"Type", "Days"}, {"Annual", "15"}, {"Sick", "10"}};
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 2; c++) {
                table.getRow(r).getCell(c).setText(cells[r][c]);
            }
        }
        docx.createParagraph().createRun().setText("   ");
        Path file = save(docx, "handbook.docx");

        ParsedDocument doc = DocumentReaders.standard().read(file);

        assertThat(doc.format()).isEqualTo(Format.DOCX);
        assertThat(doc.title()).contains("员工手册");
        assertThat(blockTexts(doc)).containsExactly("第一章 总则", "本手册适用于全体员工。", "Leave", "Type: Annual; Days: 15",
                "Type: Sick; Days: 10");
        assertThat(doc.blocks()).extracting(b -> b instanceof Block.Heading h ? "h" + h.level()
                : b.getClass().getSimpleName()).containsExactly("h1", "Paragraph", "h2", "Row", "Row");
    }

    @Test
    void readsXlsxSheetsAsHeadingsAndRowsAsRecordsWithCachedFormulaValuesAndIsoDates() throws Exception {
        XSSFWorkbook workbook = new XSSFWorkbook();
        CellStyle dateStyle = workbook.createCellStyle();
        dateStyle.setDataFormat((short) 14); // Excel's built-in "m/d/yy"
        XSSFSheet sales = workbook.createSheet("Sales");
        Row header = sales.createRow(0);
        String[] names = {"Date", "Item", "Qty", "Price", "Total"};
        for (int i = 0; i < names.length; i++) {
            header.createCell(i).setCellValue(names[i]);
        }
        Row row = sales.createRow(2); // a blank row in between is skipped
        row.createCell(0).setCellValue(LocalDate.of(2024, 3, 1));
        row.getCell(0).setCellStyle(dateStyle);
        row.createCell(1).setCellValue("苹果");
        row.createCell(2).setCellValue(3);
        row.createCell(3).setCellValue(2.5);
        row.createCell(4).setCellFormula("C3*D3");
        Row sparse = sales.createRow(3);
        sparse.createCell(1).setCellValue("Pear");
        sparse.createCell(4).setCellValue(4);
        workbook.createSheet("Empty");
        XSSFSheet notes = workbook.createSheet("备注");
        notes.createRow(0).createCell(0).setCellValue("说明");
        notes.createRow(1).createCell(0).setCellValue("价格含税");
        XSSFFormulaEvaluator.evaluateAllFormulaCells(workbook);
        Path file = save(workbook, "sales.xlsx");

        ParsedDocument doc = DocumentReaders.standard().read(file);

        assertThat(blockTexts(doc)).containsExactly("Sales", "Date: 2024-03-01; Item: 苹果; Qty: 3; Price: 2.5; Total: 7.5",
                "Item: Pear; Total: 4", "备注", "说明: 价格含税");
        assertThat(doc.blocks()).extracting(b -> b.getClass().getSimpleName())
                .containsExactly("Heading", "Row", "Row", "Heading", "Row");
    }

    @Test
    void refusesAZipBombAsSuch() throws Exception {
        XWPFDocument docx = new XWPFDocument();
        docx.createParagraph().createRun().setText("a".repeat(3_000_000)); // compresses about 1000:1
        Path file = save(docx, "bomb.docx");

        assertThatThrownBy(() -> DocumentReaders.standard().read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("bomb.docx").hasMessageContaining("zip bomb");
    }

    @Test
    void refusesPasswordProtectedOrOldBinaryOfficeFiles() throws Exception {
        byte[] ole2 = new byte[512];
        byte[] magic = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1};
        System.arraycopy(magic, 0, ole2, 0, magic.length);
        Path file = Files.write(dir.resolve("locked.xlsx"), ole2);

        assertThatThrownBy(() -> DocumentReaders.standard().read(file)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("encrypted (password-protected) or an old binary Office file");
    }

    @Test
    void refusesADocxThatIsNotAZipOrAnXlsxThatIsReallyADocx() throws Exception {
        Path text = Files.writeString(dir.resolve("plain.docx"), "not a zip");
        XWPFDocument docx = new XWPFDocument();
        docx.createParagraph().createRun().setText("hello");
        Path misnamed = save(docx, "misnamed.xlsx");

        assertThatThrownBy(() -> DocumentReaders.standard().read(text)).hasMessageContaining("not a .docx");
        assertThatThrownBy(() -> DocumentReaders.standard().read(misnamed)).isInstanceOf(DocumentException.class)
                .hasMessageContaining("misnamed.xlsx").hasMessageContaining("not a .xlsx file (its main part is")
                .hasMessageContaining("wordprocessingml");
    }
}
