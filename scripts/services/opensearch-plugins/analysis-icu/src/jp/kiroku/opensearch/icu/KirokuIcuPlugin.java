/*
 * Kiroku: stand-in for the OpenSearch "analysis-icu" plugin.
 *
 * Why this exists: Maven Central serves Lucene's lucene-analysis-icu jar and
 * icu4j, but NOT the OpenSearch analysis-icu plugin (neither zip nor jar).
 * scripts/services/opensearch.sh compiles this small adapter against the
 * distribution's own jars and installs it as plugins/analysis-icu. It provides
 * icu_normalizer (char filter and token filter), icu_folding, icu_tokenizer,
 * icu_transform and the icu_analyzer, with the settings the upstream plugin
 * documents (name, mode, unicode_set_filter, id, dir, method). Not provided:
 * icu_collation and the icu_collation_keyword field type, and custom
 * rule_files for icu_tokenizer. All analysis work is done by Lucene/ICU.
 */
package jp.kiroku.opensearch.icu;

import com.ibm.icu.text.FilteredNormalizer2;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.Transliterator;
import com.ibm.icu.text.UnicodeSet;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.icu.ICUFoldingFilter;
import org.apache.lucene.analysis.icu.ICUNormalizer2CharFilter;
import org.apache.lucene.analysis.icu.ICUNormalizer2Filter;
import org.apache.lucene.analysis.icu.ICUTransformFilter;
import org.apache.lucene.analysis.icu.segmentation.DefaultICUTokenizerConfig;
import org.apache.lucene.analysis.icu.segmentation.ICUTokenizer;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.IndexSettings;
import org.opensearch.index.analysis.AbstractCharFilterFactory;
import org.opensearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.opensearch.index.analysis.AbstractTokenFilterFactory;
import org.opensearch.index.analysis.AbstractTokenizerFactory;
import org.opensearch.index.analysis.AnalyzerProvider;
import org.opensearch.index.analysis.CharFilterFactory;
import org.opensearch.index.analysis.NormalizingCharFilterFactory;
import org.opensearch.index.analysis.NormalizingTokenFilterFactory;
import org.opensearch.index.analysis.TokenFilterFactory;
import org.opensearch.index.analysis.TokenizerFactory;
import org.opensearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.opensearch.plugins.AnalysisPlugin;
import org.opensearch.plugins.Plugin;

import java.io.Reader;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

public class KirokuIcuPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> m = new TreeMap<>();
        m.put("icu_normalizer", NormalizerChar::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> m = new TreeMap<>();
        m.put("icu_normalizer", NormalizerToken::new);
        m.put("icu_folding", Folding::new);
        m.put("icu_transform", Transform::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> m = new TreeMap<>();
        m.put("icu_tokenizer", IcuTokenizer::new);
        return m;
    }

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> m = new TreeMap<>();
        m.put("icu_analyzer", IcuAnalyzer::new);
        return m;
    }

    // ---------------------------------------------------------------- helpers

    /** Normalizer2 from name (nfc, nfkc, nfkc_cf; default nfkc_cf) + mode (compose|decompose) + unicode_set_filter. */
    static Normalizer2 normalizer(Settings settings, String nameKey) {
        String name = settings.get(nameKey, "nfkc_cf");
        String mode = settings.get("mode", "compose").trim().toLowerCase(Locale.ROOT);
        Normalizer2.Mode m;
        if (mode.equals("compose")) {
            m = Normalizer2.Mode.COMPOSE;
        } else if (mode.equals("decompose")) {
            m = Normalizer2.Mode.DECOMPOSE;
        } else {
            throw new IllegalArgumentException("unknown icu normalizer mode [" + mode + "], expected compose or decompose");
        }
        return filtered(Normalizer2.getInstance(null, name, m), settings);
    }

    static Normalizer2 filtered(Normalizer2 base, Settings settings) {
        String set = settings.get("unicode_set_filter");
        if (set == null) {
            return base;
        }
        UnicodeSet us = new UnicodeSet(set);
        us.freeze();
        return new FilteredNormalizer2(base, us);
    }

    // -------------------------------------------------------------- factories

    static final class NormalizerChar extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private final Normalizer2 normalizer;

        NormalizerChar(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name);
            this.normalizer = normalizer(settings, "name");
        }

        @Override
        public Reader create(Reader reader) {
            return new ICUNormalizer2CharFilter(reader, normalizer);
        }
    }

    static final class NormalizerToken extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final Normalizer2 normalizer;

        NormalizerToken(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.normalizer = normalizer(settings, "name");
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ICUNormalizer2Filter(in, normalizer);
        }
    }

    static final class Folding extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final Normalizer2 normalizer;

        Folding(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            this.normalizer = filtered(ICUFoldingFilter.NORMALIZER, settings);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ICUFoldingFilter(in, normalizer);
        }
    }

    static final class Transform extends AbstractTokenFilterFactory implements NormalizingTokenFilterFactory {
        private final Transliterator transliterator;

        Transform(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            String id = settings.get("id", "Null");
            String dir = settings.get("dir", "forward").trim().toLowerCase(Locale.ROOT);
            int direction = dir.equals("reverse") ? Transliterator.REVERSE : Transliterator.FORWARD;
            this.transliterator = Transliterator.getInstance(id, direction);
        }

        @Override
        public TokenStream create(TokenStream in) {
            return new ICUTransformFilter(in, transliterator);
        }
    }

    static final class IcuTokenizer extends AbstractTokenizerFactory {
        IcuTokenizer(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, settings, name);
            if (settings.get("rule_files") != null) {
                throw new IllegalArgumentException("[rule_files] is not supported by Kiroku's icu_tokenizer build");
            }
        }

        @Override
        public Tokenizer create() {
            return new ICUTokenizer(new DefaultICUTokenizerConfig(true, true));
        }
    }

    static final class IcuAnalyzer extends AbstractIndexAnalyzerProvider<Analyzer> {
        private final Analyzer analyzer;

        IcuAnalyzer(IndexSettings indexSettings, Environment env, String name, Settings settings) {
            super(indexSettings, name, settings);
            final Normalizer2 norm = normalizer(settings, "method");
            this.analyzer = new Analyzer() {
                @Override
                protected Reader initReader(String fieldName, Reader reader) {
                    return new ICUNormalizer2CharFilter(reader, norm);
                }

                @Override
                protected TokenStreamComponents createComponents(String fieldName) {
                    Tokenizer source = new ICUTokenizer(new DefaultICUTokenizerConfig(true, true));
                    return new TokenStreamComponents(source, new ICUFoldingFilter(source));
                }
            };
        }

        @Override
        public Analyzer get() {
            return analyzer;
        }
    }
}
