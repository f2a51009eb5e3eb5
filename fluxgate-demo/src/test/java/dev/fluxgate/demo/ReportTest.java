package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void theChartJsVersionIsTheOneThisModulesPomChooses() throws Exception {
        // Surefire runs in the module's directory: its pom is the one place the version is written.
        Matcher m = Pattern.compile("<chartjs\\.version>([^<]+)</chartjs\\.version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("chartjs.version in fluxgate-demo/pom.xml").isTrue();
        assertThat(Report.CHART_JS_VERSION).isEqualTo(m.group(1).strip());
        assertThat(Report.chartJs()).contains("Chart.js v" + Report.CHART_JS_VERSION);
    }

    @Test
    void aWebJarMissingFromTheClassPathIsNamed() {
        assertThatIllegalStateException().isThrownBy(() -> Report.webJarVersion("org.webjars.npm", "no-such-lib"))
                .withMessageContaining("org.webjars.npm:no-such-lib");
    }
}
