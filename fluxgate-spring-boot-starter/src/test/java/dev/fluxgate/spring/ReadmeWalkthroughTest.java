package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.State;
import dev.fluxgate.spring.readme.ShopApplication;
import dev.fluxgate.spring.readme.ShopClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The README's Spring Boot walkthrough, followed literally: its pom names real artifacts and versions,
 * its Java is the source of {@link ShopApplication} and {@link ShopClient}, every key it names exists,
 * and an application started with its YAML serves the Prometheus lines, log lines and startup
 * messages it shows.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReadmeWalkthroughTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A fenced block of the README's Spring Boot section. */
    record Block(String language, String text) {
    }

    private static String section;
    private static List<Block> blocks;

    @TempDir
    Path dir;

    @BeforeAll
    static void readTheReadme() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("\n## Spring Boot\n");
        assertThat(start).as("the README has a Spring Boot section").isPositive();
        int end = readme.indexOf("\n## ", start + 1);
        section = end < 0 ? readme.substring(start) : readme.substring(start, end);
        blocks = new ArrayList<>();
        Matcher m = Pattern.compile("(?s)```(\\w*)\\n(.*?)```").matcher(section);
        while (m.find()) {
            blocks.add(new Block(m.group(1), m.group(2)));
        }
    }

    private static List<Block> blocks(String language) {
        return blocks.stream().filter(b -> b.language().equals(language)).toList();
    }

    private static String yaml() {
        List<Block> yaml = blocks("yaml");
        assertThat(yaml).as("one application.yml").hasSize(1);
        return yaml.get(0).text();
    }

    /** The plain block whose text contains {@code marker}. */
    private static String output(String marker) {
        return blocks("").stream().map(Block::text).filter(t -> t.contains(marker)).findFirst()
                .orElseThrow(() -> new AssertionError("no output block with " + marker));
    }

    // ---- the snippets against the code ----

    @Test
    void thePomImportsTheBomAndNamesRealArtifactsAndVersions() throws IOException {
        List<Block> poms = blocks("xml");
        assertThat(poms).hasSize(1);
        String pom = poms.get(0).text();
        String ownPom = Files.readString(Path.of("pom.xml"));
        String bootVersion = first(ownPom, "<spring-boot.version>([^<]+)</spring-boot.version>");
        String projectVersion = first(ownPom, "(?s)<parent>.*?<version>([^<]+)</version>");
        assertThat(first(pom, "(?s)<parent>.*?<artifactId>spring-boot-starter-parent</artifactId>\\s*<version>([^<]+)</version>"))
                .isEqualTo(bootVersion);
        // The BOM is imported inside <dependencyManagement>, with the project's version.
        String management = first(pom, "(?s)<dependencyManagement>(.*)</dependencyManagement>");
        assertThat(management).contains("<artifactId>fluxgate-bom</artifactId>", "<version>" + projectVersion + "</version>",
                "<type>pom</type>", "<scope>import</scope>");
        String dependencies = pom.substring(pom.indexOf("</dependencyManagement>"));
        assertThat(dependencies).doesNotContain("<version>");
        String bom = Files.readString(Path.of("..", "fluxgate-bom", "pom.xml"));
        Matcher fluxgate = Pattern.compile("<groupId>dev.fluxgate</groupId>\\s*<artifactId>([^<]+)</artifactId>")
                .matcher(dependencies);
        List<String> modules = new ArrayList<>();
        while (fluxgate.find()) {
            modules.add(fluxgate.group(1));
            assertThat(bom).as("fluxgate-bom manages %s", fluxgate.group(1))
                    .contains("<artifactId>" + fluxgate.group(1) + "</artifactId>");
        }
        assertThat(modules).containsExactly("fluxgate-spring-boot-starter", "fluxgate-micrometer");
        // The other artifacts are the ones this module's own tests run with (Boot manages their versions).
        for (String artifact : List.of("spring-boot-starter-webmvc", "spring-boot-starter-actuator",
                "micrometer-registry-prometheus")) {
            assertThat(dependencies).contains("<artifactId>" + artifact + "</artifactId>");
            assertThat(ownPom).contains("<artifactId>" + artifact + "</artifactId>");
        }
    }

    @Test
    void theJavaSnippetsAreTheSourcesThisTestRuns() throws IOException {
        List<Block> java = blocks("java");
        assertThat(java).hasSize(2);
        Path sources = Path.of("src", "test", "java", "dev", "fluxgate", "spring", "readme");
        assertThat(withoutPackage(java.get(0).text()))
                .isEqualTo(withoutPackage(Files.readString(sources.resolve("ShopApplication.java"))));
        assertThat(withoutPackage(java.get(1).text()))
                .isEqualTo(withoutPackage(Files.readString(sources.resolve("ShopClient.java"))));
    }

    @Test
    void everyKeyTheSectionNamesExists() {
        // fluxgate.* keys in backticks; <name> and <config> stand for any name, {a, b (x/y)} for several keys.
        Matcher m = Pattern.compile("`((?:fluxgate|management\\.health\\.fluxgate)\\.[^`]*)`").matcher(section);
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            if (!m.group(1).contains("*")) {
                keys.addAll(expand(m.group(1)));
            }
        }
        // The relative keys of the property list, under an instance.
        String list = section.substring(section.indexOf("Under `fluxgate.circuitbreaker.configs.<config>.`"),
                section.indexOf("For all breakers")).replaceAll("\\([^)]*\\)", ""); // allowed values in (...)
        Matcher relative = Pattern.compile("`([a-z][a-z.\\-]*(?:\\.\\{[^}]*\\})?)`").matcher(list);
        while (relative.find()) {
            expand(relative.group(1)).forEach(k -> keys.add("fluxgate.circuitbreaker.instances.x." + k));
        }
        assertThat(keys).hasSizeGreaterThan(60).contains("fluxgate.circuitbreaker.log-transitions",
                "fluxgate.circuitbreaker.instances.x.allow-health-indicator-to-fail", "management.health.fluxgate.enabled");
        for (String key : keys) {
            if (key.startsWith("management.")) {
                assertThat(key).isEqualTo("management.health.fluxgate.enabled");
                continue;
            }
            ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
            assertThat(UnknownPropertyCheck.check(name, false)).as(key).isNull();
        }
    }

    // ---- the application, started with the README's YAML ----

    @Test
    void aTypoInTheYamlStopsStartupWithTheMessageShown(CapturedOutput output) throws IOException {
        String yaml = yaml();
        assertThat(yaml).contains("max-half-open-calls: 5");
        Path file = write(yaml.replace("max-half-open-calls: 5", "max-half-open-call: 5"));
        assertThatThrownBy(() -> start(file, "http://127.0.0.1:1", "--spring.main.web-application-type=none"))
                .hasStackTraceContaining("did you mean max-half-open-calls?");

        String shown = output("APPLICATION FAILED TO START");
        String description = first(shown, "(?s)Description:\\n\\n(.*?)\\n\\nAction:");
        String action = first(shown, "(?s)Action:\\n\\n(.*?)\\n*$");
        // The README's file is on the class path; this test's is a file: only the resource's name differs.
        String real = output.getOut().replace("URL [file:" + file.toUri().getPath() + "]",
                "class path resource [application.yml]").replace("URL [" + file.toUri() + "]",
                "class path resource [application.yml]");
        assertThat(real).contains(description).contains(action);
        int line = lineOf(yaml, "max-half-open-calls: 5");
        assertThat(description).contains("application.yml] - " + line + ":");
    }

    @Test
    void aMisspeltInstanceIsTheWarningShown(CapturedOutput output) throws IOException {
        String yaml = yaml();
        Path file = write(yaml.replace("      recommendations:\n", "      recomendations:\n"));
        try (ConfigurableApplicationContext app = start(file, "http://127.0.0.1:1",
                "--spring.main.web-application-type=none")) {
            assertThat(app.isActive()).isTrue();
            assertThat(output.getOut()).contains(output("Fluxgate: ").strip());
        }
    }

    @Test
    void theApplicationRunsAsConfiguredAndServesWhatTheReadmeShows(CapturedOutput output) throws Exception {
        AtomicBoolean down = new AtomicBoolean();
        HttpServer backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        backend.createContext("/pay/", ex -> respond(ex, down.get() ? 500 : 200, down.get() ? "down" : "paid"));
        backend.createContext("/recommendations/", ex -> respond(ex, 200, "[\"a book\"]"));
        backend.start();
        try (ConfigurableApplicationContext app = start(write(yaml()),
                "http://127.0.0.1:" + backend.getAddress().getPort(), "--server.port=0")) {
            String port = app.getEnvironment().getProperty("local.server.port");
            ShopClient shop = app.getBean(ShopClient.class);
            CircuitBreakerRegistry registry = app.getBean(CircuitBreakerRegistry.class);
            Queue<String> transitions = new ConcurrentLinkedQueue<>();
            registry.find("payments").orElseThrow().addListener(t -> transitions.add(t.toString()));

            assertThat(shop.pay("o-1")).isEqualTo("paid");
            assertThat(shop.recommendations("ann")).isEqualTo("[\"a book\"]");
            down.set(true);
            List<String> answers = new ArrayList<>();
            for (int i = 2; i <= 10 && (answers.isEmpty() || !answers.get(answers.size() - 1).startsWith("queued")); i++) {
                answers.add(shop.pay("o-" + i));
            }
            assertThat(answers).containsExactly("failed:o-2", "failed:o-3", "failed:o-4", "queued:o-5");
            assertThat(registry.find("payments").orElseThrow().state()).isEqualTo(State.OPEN);

            // The transition line the README shows (its time aside).
            assertThat(transitions.stream().map(ReadmeWalkthroughTest::withoutTime))
                    .contains(withoutTime(output("CircuitBreaker 'payments'").strip()));

            // Every line the README shows of /actuator/prometheus, as scraped.
            HttpResponse<String> scrape = get(port, "/actuator/prometheus");
            assertThat(scrape.statusCode()).isEqualTo(200);
            Set<String> scraped = Arrays.stream(scrape.body().split("\n")).collect(Collectors.toSet());
            List<String> shown = output("# HELP").lines().filter(l -> !l.isBlank() && !l.equals("...")).toList();
            assertThat(shown).hasSizeGreaterThan(10);
            assertThat(scraped).containsAll(shown);

            // Payments opted in: readiness is out of service, liveness is not touched.
            assertThat(get(port, "/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(get(port, "/actuator/health/liveness").statusCode()).isEqualTo(200);
            HttpResponse<String> fluxgate = get(port, "/actuator/fluxgate");
            assertThat((String) JsonPath.read(fluxgate.body(), "$.circuitBreakers.payments.state")).isEqualTo("OPEN");
        } finally {
            backend.stop(0);
        }
        assertThat(output.getOut()).as("every configured instance is used").doesNotContain("is configured, but");
    }

    // ---- helpers ----

    private static ConfigurableApplicationContext start(Path yaml, String backendUrl, String... more) {
        List<String> args = new ArrayList<>(List.of("--spring.config.location=file:" + yaml.toAbsolutePath(),
                "--shop.backend-url=" + backendUrl));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(ShopApplication.class).run(args.toArray(String[]::new));
    }

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("application.yml"), yaml);
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static HttpResponse<String> get(String port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in %s", regex, text).isTrue();
        return m.group(1);
    }

    private static int lineOf(String text, String fragment) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i + 1;
            }
        }
        throw new AssertionError(fragment);
    }

    private static String withoutPackage(String source) {
        return source.replaceFirst("package [\\w.]+;\\n", "").strip();
    }

    private static String withoutTime(String transition) {
        return transition.replaceFirst(" at \\S+: ", " at <time>: ");
    }

    /** {@code a.{b, c (x/y)}} to {@code a.b}, {@code a.c}; {@code <name>} and {@code <config>} to {@code x}. */
    private static List<String> expand(String text) {
        String flat = text.replaceAll("\\s+", " ").replace("<name>", "x").replace("<config>", "x")
                .replaceAll(":.*$", ""); // `key: value`
        int brace = flat.indexOf('{');
        if (brace < 0) {
            return List.of(flat.replaceAll("\\.$", ""));
        }
        String head = flat.substring(0, brace);
        String body = flat.substring(brace + 1, flat.lastIndexOf('}'));
        List<String> keys = new ArrayList<>();
        for (String part : body.split(",", -1)) {
            keys.add(head + part.replaceAll("\\(.*\\)", "").strip());
        }
        return keys;
    }
}
