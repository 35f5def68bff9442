package dev.hearth.kb.document;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.xml.parsers.ParserConfigurationException;

import org.apache.poi.ooxml.POIXMLProperties;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.apache.xmlbeans.XmlException;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * Excel workbooks through POI's streaming XSSF reader (memory stays flat however many rows): each
 * sheet's name is a level-1 heading, its first non-empty row the header, and every later row one
 * record. Formula cells give their cached values, as Excel last computed them; numbers are shown
 * with their cell format, dates in ISO 8601.
 */
final class XlsxReader {

    private XlsxReader() {}

    static ParsedDocument read(Path file, long maxChars) throws IOException, OpenXML4JException, SAXException,
            ParserConfigurationException, XmlException, DocumentException {
        OPCPackage pkg = OfficePackage.open(file, Format.XLSX, "spreadsheetml", "ms-excel");
        try {
            DocumentBuilder doc = new DocumentBuilder(Format.XLSX, maxChars);
            XSSFReader reader = new XSSFReader(pkg);
            ReadOnlySharedStringsTable strings = new ReadOnlySharedStringsTable(pkg, false);
            DataFormatter formatter = new IsoDateFormatter();
            StylesTable styles = reader.getStylesTable();
            XSSFReader.SheetIterator sheets = reader.getSheetIterator();
            while (sheets.hasNext()) {
                try (InputStream sheet = sheets.next()) {
                    XMLReader xml = XMLHelper.newXMLReader();
                    xml.setContentHandler(new XSSFSheetXMLHandler(styles, strings,
                            new SheetRecords(doc, sheets.getSheetName()), formatter, false));
                    xml.parse(new InputSource(sheet));
                }
            }
            String declared = new POIXMLProperties(pkg).getCoreProperties().getTitle();
            return doc.build(file, Optional.ofNullable(declared), Optional.empty(), "every sheet is empty");
        } finally {
            pkg.revert(); // a read-only package is never saved
        }
    }

    /** Turns one sheet's rows into records; the sheet's heading waits for its first non-empty row. */
    private static final class SheetRecords implements XSSFSheetXMLHandler.SheetContentsHandler {
        private final DocumentBuilder doc;
        private final String sheetName;
        private final List<String> row = new ArrayList<>();
        private List<String> header;

        SheetRecords(DocumentBuilder doc, String sheetName) {
            this.doc = doc;
            this.sheetName = sheetName;
        }

        @Override
        public void startRow(int rowNum) {
            row.clear();
        }

        @Override
        public void cell(String reference, String formattedValue, XSSFComment comment) {
            // empty cells are absent from the stream; the reference says which column this is
            int column = reference == null ? row.size() : new CellReference(reference).getCol();
            while (row.size() < column) {
                row.add("");
            }
            row.add(formattedValue == null ? "" : formattedValue);
        }

        @Override
        public void endRow(int rowNum) {
            if (Records.allBlank(row)) {
                return;
            }
            if (header == null) {
                doc.heading(1, sheetName, 0);
                header = List.copyOf(row);
            } else {
                doc.row(Records.render(header, row), 0);
            }
        }
    }

    /** Dates as {@code 2024-03-01} (and times when they have one) rather than in the US default {@code 3/1/24}. */
    private static final class IsoDateFormatter extends DataFormatter {
        private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

        IsoDateFormatter() {
            super(Locale.ROOT);
        }

        @Override
        public String formatRawCellContents(double value, int formatIndex, String formatString) {
            return formatRawCellContents(value, formatIndex, formatString, false);
        }

        @Override
        public String formatRawCellContents(double value, int formatIndex, String formatString,
                boolean use1904Windowing) {
            if (!DateUtil.isADateFormat(formatIndex, formatString) || !DateUtil.isValidExcelDate(value)) {
                return super.formatRawCellContents(value, formatIndex, formatString, use1904Windowing);
            }
            if (value < 1) {
                return DateUtil.getLocalDateTime(value, use1904Windowing).format(TIME);
            }
            LocalDateTime t = DateUtil.getLocalDateTime(value, use1904Windowing);
            return t.toLocalTime().toSecondOfDay() == 0 ? t.toLocalDate().toString() : t.format(DATE_TIME);
        }
    }
}
