package dev.hearth.kb.index;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The BM25 query of a question: its terms under each analysis, every term optional, over the text fields
 * and (boosted lower) the heading fields. Asking both analyses lets a Chinese, an English or a mixed
 * question match without guessing its language.
 */
final class LexicalQuery {
    /** Headings name a whole section, so a match there says less about this chunk than one in its text. */
    static final float HEADING_BOOST = 0.3f;

    /**
     * The most distinct terms taken from the question per analysis. Keeps a pasted page under Lucene's
     * clause limit (1024 over the whole query, four fields here); a question has far fewer.
     */
    static final int MAX_TERMS = 200;

    private LexicalQuery() {}

    /** The query; it matches nothing when the question has no terms (only stop words or punctuation). */
    static Query of(String question, Analyzer analyzer) {
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        addField(query, ChunkFields.TEXT_ZH, question, analyzer, 1f);
        addField(query, ChunkFields.TEXT_EN, question, analyzer, 1f);
        addField(query, ChunkFields.HEADING_ZH, question, analyzer, HEADING_BOOST);
        addField(query, ChunkFields.HEADING_EN, question, analyzer, HEADING_BOOST);
        return query.build();
    }

    private static void addField(BooleanQuery.Builder query, String field, String question, Analyzer analyzer,
            float boost) {
        for (String term : terms(field, question, analyzer)) {
            Query clause = new TermQuery(new Term(field, term));
            query.add(boost == 1f ? clause : new BoostQuery(clause, boost), BooleanClause.Occur.SHOULD);
        }
    }

    /** The question's distinct terms as {@code field}'s analyzer makes them, first {@link #MAX_TERMS}. */
    static Set<String> terms(String field, String text, Analyzer analyzer) {
        return terms(field, text, analyzer, MAX_TERMS);
    }

    /** The text's distinct terms as {@code field}'s analyzer makes them, the first {@code limit}. */
    static Set<String> terms(String field, String text, Analyzer analyzer, int limit) {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream tokens = analyzer.tokenStream(field, text)) {
            CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
            tokens.reset();
            while (tokens.incrementToken() && terms.size() < limit) {
                terms.add(term.toString());
            }
            tokens.end();
        } catch (IOException e) {
            throw new UncheckedIOException("analysing a question cannot fail on a string", e);
        }
        return terms;
    }
}
