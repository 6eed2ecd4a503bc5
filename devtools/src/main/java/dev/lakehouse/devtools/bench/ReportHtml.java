package dev.lakehouse.devtools.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (inline SVG, no scripts) with one chart per comparison: the
 * measured bar next to its baseline bar on the same scale, or, without a baseline, the measured
 * bar against the goal's mark; the ratio and whether the goal is met beside them.
 */
final class ReportHtml {

  private static final int WIDTH = 520;
  private static final int LABEL = 250;

  private ReportHtml() {}

  static String render(Map<String, Object> environment, List<Comparison> comparisons) {
    StringBuilder page = new StringBuilder("""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>lakehouse bench</title>
        <style>
        body{font:14px system-ui,sans-serif;margin:2em;color:#222}
        table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}
        .met{color:#1a7f37}.missed{color:#cf222e}
        section{margin:1.5em 0}h2{font-size:16px;margin:0 0 .3em}
        </style></head><body>
        <h1>lakehouse bench</h1>
        """);
    page.append("<table>");
    environment.forEach((key, value) -> page.append("<tr><th>").append(escape(key)).append("</th><td>")
        .append(escape(String.valueOf(value))).append("</td></tr>"));
    page.append("</table>\n");
    for (Comparison comparison : comparisons) {
      page.append(section(comparison));
    }
    return page.append("</body></html>\n").toString();
  }

  private static String section(Comparison comparison) {
    double scale = Math.max(comparison.measured().value(),
        comparison.baseline().map(Comparison.Measure::value).orElse(comparison.goal().limit()));
    StringBuilder svg = new StringBuilder();
    int height = comparison.baseline().isPresent() ? 56 : 32;
    svg.append(String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\">", LABEL + WIDTH + 120, height));
    bar(svg, 0, comparison.measured(), scale, "#0969da");
    comparison.baseline().ifPresent(baseline -> bar(svg, 28, baseline, scale, "#8c959f"));
    if (comparison.baseline().isEmpty()) {
      double x = LABEL + WIDTH * comparison.goal().limit() / scale;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%d\" stroke=\"#cf222e\""
          + " stroke-dasharray=\"4\"><title>goal %s</title></line>", x, x, height, escape(comparison.goal().toString())));
    }
    svg.append("</svg>");
    String verdict = comparison.met() ? "<span class=\"met\">goal met</span>" : "<span class=\"missed\">goal NOT met</span>";
    String ratio = comparison.baseline().isPresent() ? "ratio " + Report.number(comparison.ratio()) + "×, " : "";
    return "<section><h2>" + escape(comparison.part() + ": " + comparison.title()) + "</h2>" + svg + "<div>" + ratio
        + "goal " + escape(comparison.goal().toString()) + ": " + verdict + "</div><div><small>"
        + escape(String.valueOf(comparison.data())) + "</small></div></section>\n";
  }

  private static void bar(StringBuilder svg, int y, Comparison.Measure measure, double scale, String color) {
    double width = scale <= 0 ? 0 : WIDTH * measure.value() / scale;
    svg.append(String.format(Locale.ROOT, "<text x=\"0\" y=\"%d\">%s</text>", y + 17, escape(measure.label())))
        .append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"24\" fill=\"%s\"/>", LABEL, y,
            Math.max(1, width), color))
        .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s %s</text>", LABEL + Math.max(1, width) + 6, y + 17,
            Report.number(measure.value()), escape(measure.unit())));
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
