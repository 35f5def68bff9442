package dev.hearth.kb.index;

import dev.hearth.kb.chunk.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.VectorSimilarityFunction;

/**
 * The Lucene document of one chunk: its field names, how each is analysed, and the way back to a
 * {@link Chunk}. One Lucene document per chunk; the document-level fields are copied onto each.
 */
final class ChunkFields {
    /** The document id, indexed as one term: replacing, deleting and filtering a document go through it. */
    static final String DOC_ID = "doc_id";
    static final String DOC_NAME = "doc_name";
    /** One term per tag, for filters. */
    static final String TAG = "tag";
    static final String ORDINAL = "ordinal";
    /** The text through SmartChineseAnalyzer (HMM word segmentation); holds the stored text too. */
    static final String TEXT_ZH = "text_zh";
    /** The text through EnglishAnalyzer (stop words, Porter stemming); Chinese falls to single characters. */
    static final String TEXT_EN = "text_en";
    /** The heading path, analysed as the text is, so a question naming a section finds its chunks. */
    static final String HEADING_ZH = "heading_zh";
    static final String HEADING_EN = "heading_en";
    /** The headings one value each, outermost first; stored only, to rebuild the chunk. */
    static final String HEADING = "heading";
    static final String PAGE = "page";
    static final String START = "start";
    static final String END = "end";
    static final String VECTOR = "vector";

    /** Unit vectors, so the dot product is the cosine and the cheapest similarity Lucene has. */
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private ChunkFields() {}

    /** Analyses each text field as its name says; the string fields are never analysed. */
    static Analyzer analyzer() {
        Analyzer chinese = new SmartChineseAnalyzer();
        Analyzer english = new EnglishAnalyzer();
        return new PerFieldAnalyzerWrapper(new StandardAnalyzer(), Map.of(
                TEXT_ZH, chinese, HEADING_ZH, chinese, TEXT_EN, english, HEADING_EN, english));
    }

    static Document document(String documentId, DocumentInfo info, int ordinal, Chunk chunk, float[] vector) {
        Document doc = new Document();
        doc.add(new StringField(DOC_ID, documentId, Field.Store.YES));
        doc.add(new StoredField(DOC_NAME, info.name()));
        // sorted so a document's chunks store their tags in one order, whatever the set's iteration order
        info.tags().stream().sorted().forEach(tag -> doc.add(new StringField(TAG, tag, Field.Store.YES)));
        doc.add(new StoredField(ORDINAL, ordinal));
        doc.add(new TextField(TEXT_ZH, chunk.text(), Field.Store.YES));
        doc.add(new TextField(TEXT_EN, chunk.text(), Field.Store.NO));
        if (!chunk.headings().isEmpty()) {
            doc.add(new TextField(HEADING_ZH, chunk.headingPath(), Field.Store.NO));
            doc.add(new TextField(HEADING_EN, chunk.headingPath(), Field.Store.NO));
        }
        for (String heading : chunk.headings()) {
            doc.add(new StoredField(HEADING, heading));
        }
        doc.add(new StoredField(PAGE, chunk.page()));
        doc.add(new StoredField(START, chunk.start()));
        doc.add(new StoredField(END, chunk.end()));
        doc.add(new KnnFloatVectorField(VECTOR, vector, SIMILARITY));
        return doc;
    }

    static Chunk chunk(Document doc) {
        List<String> headings = new ArrayList<>();
        for (IndexableField heading : doc.getFields(HEADING)) {
            headings.add(heading.stringValue());
        }
        return new Chunk(doc.get(TEXT_ZH), intValue(doc, PAGE), intValue(doc, START), intValue(doc, END), headings);
    }

    static int ordinal(Document doc) {
        return intValue(doc, ORDINAL);
    }

    private static int intValue(Document doc, String field) {
        return doc.getField(field).numericValue().intValue();
    }
}
