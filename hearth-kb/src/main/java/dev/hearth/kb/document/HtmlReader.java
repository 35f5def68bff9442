package dev.hearth.kb.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeFilter;

/**
 * HTML through jsoup: h1–h6 become headings, table rows become records (with the header row's
 * cells when the table's first row is all {@code <th>}), {@code <pre>} keeps its line breaks, and
 * every other block element (p, li, div, blockquote …) ends a paragraph. Scripts, styles and
 * navigation are dropped. The charset comes from a byte-order mark or {@code <meta>}, else UTF-8.
 */
final class HtmlReader {

    private static final String DROPPED = "script, style, noscript, template, svg, canvas, iframe, object, embed, nav";

    private HtmlReader() {}

    static ParsedDocument read(Path file, byte[] bytes, long maxChars) throws IOException, DocumentException {
        TextDecoding.refuseBinary(file, bytes);
        Document html = Jsoup.parse(new ByteArrayInputStream(bytes), null, file.toUri().toString());
        html.select(DROPPED).remove();
        DocumentBuilder doc = new DocumentBuilder(Format.HTML, maxChars);
        html.body().filter(new Walker(doc));
        Optional<String> title = Optional.of(html.title()).filter(t -> !t.isBlank())
                .or(() -> Optional.ofNullable(html.selectFirst("h1")).map(Element::text));
        Optional<Charset> charset = Optional.of(html.charset());
        return doc.build(file, title, charset, "no text in the page's body");
    }

    /** Gathers inline text until a block element ends it; emits headings, rows and pre blocks whole. */
    private static final class Walker implements NodeFilter {
        private final DocumentBuilder doc;
        private final StringBuilder inline = new StringBuilder();
        /** Each table's header cells, or an empty list when its first row is not all {@code <th>}. */
        private final Map<Element, List<String>> headers = new IdentityHashMap<>();

        Walker(DocumentBuilder doc) {
            this.doc = doc;
        }

        @Override
        public FilterResult head(Node node, int depth) {
            if (node instanceof TextNode text) {
                inline.append(text.getWholeText().replaceAll("\\s+", " ")); // source line breaks are not breaks
                return FilterResult.CONTINUE;
            }
            if (!(node instanceof Element e) || depth == 0) {
                return FilterResult.CONTINUE;
            }
            String tag = e.normalName();
            if (tag.length() == 2 && tag.charAt(0) == 'h' && tag.charAt(1) >= '1' && tag.charAt(1) <= '6') {
                flush();
                doc.heading(tag.charAt(1) - '0', e.text(), 0);
                return FilterResult.SKIP_CHILDREN;
            }
            switch (tag) {
                case "tr" -> {
                    flush();
                    row(e);
                    return FilterResult.SKIP_CHILDREN;
                }
                case "pre" -> {
                    flush();
                    doc.paragraph(e.wholeText(), 0);
                    return FilterResult.SKIP_CHILDREN;
                }
                case "br" -> inline.append('\n');
                default -> {
                    if (e.isBlock()) {
                        flush();
                    }
                }
            }
            return FilterResult.CONTINUE;
        }

        @Override
        public FilterResult tail(Node node, int depth) {
            if (node instanceof Element e && e.isBlock()) {
                flush();
            }
            return FilterResult.CONTINUE;
        }

        private void row(Element tr) {
            List<String> cells = tr.children().stream().filter(c -> c.nameIs("td") || c.nameIs("th"))
                    .map(Element::text).toList();
            Element table = tr.closest("table");
            if (table == null) {
                doc.row(Records.render(List.of(), cells), 0);
                return;
            }
            List<String> header = headers.computeIfAbsent(table, Walker::headerOf);
            if (!header.isEmpty() && firstRow(table) == tr) {
                return; // its cells label every later row instead
            }
            doc.row(Records.render(header, cells), 0);
        }

        private static Element firstRow(Element table) {
            return table.select("tr").stream().filter(tr -> tr.closest("table") == table).findFirst().orElse(null);
        }

        private static List<String> headerOf(Element table) {
            Element first = firstRow(table);
            if (first == null || first.children().isEmpty()
                    || !first.children().stream().allMatch(c -> c.nameIs("th"))) {
                return List.of();
            }
            return first.children().stream().map(Element::text).toList();
        }

        private void flush() {
            // the only line breaks left are <br>s
            String text = inline.toString().replaceAll(" *\n *", "\n").replaceAll(" {2,}", " ");
            doc.paragraph(text, 0);
            inline.setLength(0);
        }
    }
}
