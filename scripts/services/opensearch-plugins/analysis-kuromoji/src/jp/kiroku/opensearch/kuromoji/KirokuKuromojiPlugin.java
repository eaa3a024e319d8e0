/*
 * Kiroku: stand-in for the OpenSearch "analysis-kuromoji" plugin.
 *
 * Why this exists: Maven Central serves the OpenSearch integ-test distribution
 * and Lucene's lucene-analysis-kuromoji jar, but NOT the OpenSearch
 * analysis-kuromoji plugin (neither zip nor jar). scripts/services/opensearch.sh
 * compiles this small adapter against the distribution's own jars and installs
 * it as plugins/analysis-kuromoji, so the usual names work: kuromoji_tokenizer,
 * kuromoji_iteration_mark, kuromoji_baseform, kuromoji_part_of_speech,
 * kuromoji_readingform, kuromoji_stemmer, kuromoji_number, kuromoji_completion,
 * ja_stop and the "kuromoji" analyzer, with the settings the upstream plugin
 * documents (mode, discard_punctuation, discard_compound_token,
 * user_dictionary, user_dictionary_rules, nbest_cost, nbest_examples,
 * stoptags, use_romaji, minimum_length, stopwords, normalize_kanji/kana).
 * All analysis work is done by Lucene; this file only wires settings.
 */
package jp.kiroku.opensearch.kuromoji;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ja.JapaneseAnalyzer;
import org.apache.lucene.analysis.ja.JapaneseBaseFormFilter;
import org.apache.lucene.analysis.ja.JapaneseCompletionFilter;
import org.apache.lucene.analysis.ja.JapaneseIterationMarkCharFilter;
import org.apache.lucene.analysis.ja.JapaneseKatakanaStemFilter;
import org.apache.lucene.analysis.ja.JapaneseNumberFilter;
import org.apache.lucene.analysis.ja.JapanesePartOfSpeechStopFilter;
import org.apache.lucene.analysis.ja.JapaneseReadingFormFilter;
import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.dict.UserDictionary;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractCharFilterFactory;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.Analysis;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.CharFilterFactory;
import org.opensearch.index.analysis.NormalizingCharFilterFactory;
import org.opensearch.index.analysis.NormalizingTokenFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

public class KirokuKuromojiPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> m = new TreeMap<>();
        m.put("kuromoji_iteration_mark", IterationMark::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> m = new TreeMap<>();
        m.put("kuromoji_tokenizer", KuromojiTokenizer::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> m = new TreeMap<>();
        m.put("kuromoji_baseform", BaseForm::new);
        m.put("kuromoji_part_of_speech", PartOfSpeech::new);
        m.put("kuromoji_readingform", ReadingForm::new);
        m.put("kuromoji_stemmer", KatakanaStemmer::new);
        m.put("kuromoji_number", NumberFilter::new);
        m.put("kuromoji_completion", Completion::new);
        m.put("ja_stop", JaStop::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> m = new TreeMap<>();
        m.put("kuromoji", KuromojiAnalyzer::new);
        return m;
    }

    // ---------------------------------------------------------------- helpers

    static JapaneseTokenizer.Mode mode(Settings settings) {
        String v = settings.get("mode");
        if (v == null) {
            return JapaneseTokenizer.DEFAULT_MODE;
        }
        return JapaneseTokenizer.Mode.valueOf(v.trim().toUpperCase(Locale.ROOT));
    }

    /** Dictionary rules from user_dictionary_rules (inline) or user_dictionary (file under config/). */
    static UserDictionary userDictionary(Environment env, Settings settings) {
        List<String> rules = new ArrayList<>();
        boolean hasRules = settings.getAsList("user_dictionary_rules").isEmpty() == false;
        if (settings.get("user_dictionary") != null && hasRules) {
            throw new IllegalArgumentException("use either [user_dictionary] or [user_dictionary_rules], not both");
        }
        try {
            if (hasRules) {
                rules.addAll(settings.getAsList("user_dictionary_rules"));
            } else if (settings.get("user_dictionary") != null) {
                try (Reader r = Analysis.getReaderFromFile(env, settings, "user_dictionary"); BufferedReader br = new BufferedReader(r)) {
                    String line;
                    while ((line = br.readLine()) != null) {
                        rules.add(line);
                    }
                }
            }
            StringBuilder sb = new StringBuilder();
            Set<String> seen = new HashSet<>();
            for (String line : rules) {
                String t = line.trim();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String surface = t.split(",", 2)[0];
                if (seen.add(surface) == false) {
                    throw new IllegalArgumentException("duplicate term [" + surface + "] in kuromoji user dictionary");
                }
                sb.append(t).append('\n');
            }
            return sb.length() == 0 ? null : UserDictionary.open(new StringReader(sb.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("failed to load kuromoji user dictionary", e);
        }
    }

    static CharArraySet japaneseStopwords(Environment env, Settings settings) {
        boolean ignoreCase = settings.getAsBoolean("ignore_case", false);
        return Analysis.parseWords(
            env,
            settings,
            "stopwords",
            JapaneseAnalyzer.getDefaultStopSet(),
            Map.of("_japanese_", JapaneseAnalyzer.getDefaultStopSet()),
            ignoreCase
        );
    }

    static Set<String> stopTags(Settings settings) {
        List<String> tags = settings.getAsList("stoptags");
        return tags.isEmpty() ? JapaneseAnalyzer.getDefaultStopTags() : new HashSet<>(tags);
    }

    // -------------------------------------------------------------- factories

    static final class KuromojiTokenizer extends AbstractTokenizerFactory {
        private final UserDictionary userDictionary;
        private final JapaneseTokenizer.Mode mode;
        private final boolean discardPunctuation;
        private final boolean discardCompoundToken;
        private final int nBestCost;
        private final String nBestExamples;

        KuromojiTokenizer(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, settings, name);
            this.userDictionary = userDictionary(env, settings);
            this.mode = mode(settings);
            this.discardPunctuation = settings.getAsBoolean("discard_punctuation", true);
            this.discardCompoundToken = settings.getAsBoolean("discard_compound_token", false);
            this.nBestCost = settings.getAsInt("nbest_cost", -1);
            this.nBestExamples = settings.get("nbest_examples");
        }

        @Override
        public Tokenizer create() {
            JapaneseTokenizer t = new JapaneseTokenizer(userDictionary, discardPunctuation, discardCompoundToken, mode);
            int cost = nBestCost;
            if (nBestExamples != null) {
                cost = Math.max(cost, t.calcNBestCost(nBestExamples));
            }
            t.setNBestCost(cost);
            return t;
        }
    }

    static final class IterationMark extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private final boolean normalizeKanji;
        private final boolean normalizeKana;

        IterationMark(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name);
            this.normalizeKanji = settings.getAsBoolean("normalize_kanji", JapaneseIterationMarkCharFilter.NORMALIZE_KANJI_DEFAULT);
            this.normalizeKana = settings.getAsBoolean("normalize_kana", JapaneseIterationMarkCharFilter.NORMALIZE_KANA_DEFAULT);
        }

        @Override
        public Reader create(Reader reader) {
            return new JapaneseIterationMarkCharFilter(reader, normalizeKanji, normalizeKana);
        }
    }

    static final class BaseForm extends AbstractTokenFilterFactory {
        BaseForm(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new JapaneseBaseFormFilter(in);
        }
    }

    static final class PartOfSpeech extends AbstractTokenFilterFactory {
        private final Set<String> tags;

        PartOfSpeech(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.tags = stopTags(settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new JapanesePartOfSpeechStopFilter(in, tags);
        }
    }

    static final class ReadingForm extends AbstractTokenFilterFactory {
        private final boolean romaji;

        ReadingForm(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.romaji = settings.getAsBoolean("use_romaji", false);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new JapaneseReadingFormFilter(in, romaji);
        }
    }

    static final class KatakanaStemmer extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final int minimumLength;

        KatakanaStemmer(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.minimumLength = settings.getAsInt("minimum_length", JapaneseKatakanaStemFilter.DEFAULT_MINIMUM_LENGTH);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new JapaneseKatakanaStemFilter(in, minimumLength);
        }
    }

    static final class NumberFilter extends AbstractTokenFilterFactory {
        NumberFilter(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new JapaneseNumberFilter(in);
        }
    }

    static final class Completion extends AbstractTokenFilterFactory {
        private final JapaneseCompletionFilter.Mode mode;

        Completion(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            String m = settings.get("mode");
            this.mode = m == null ? JapaneseCompletionFilter.DEFAULT_MODE : JapaneseCompletionFilter.Mode.valueOf(m.trim().toUpperCase(Locale.ROOT));
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new JapaneseCompletionFilter(in, mode);
        }
    }

    static final class JaStop extends AbstractTokenFilterFactory {
        private final CharArraySet stopwords;

        JaStop(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.stopwords = japaneseStopwords(env, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new StopFilter(in, stopwords);
        }
    }

    static final class KuromojiAnalyzer extends AbstractIndexAnalyzerProvider<JapaneseAnalyzer> {
        private final JapaneseAnalyzer analyzer;

        KuromojiAnalyzer(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.analyzer = new JapaneseAnalyzer(userDictionary(env, settings), mode(settings), japaneseStopwords(env, settings), stopTags(settings));
        }

        @Override
        public JapaneseAnalyzer get() {
            return analyzer;
        }
    }
}
