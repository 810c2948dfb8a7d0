//! The HTML report: one self-contained page (inline CSS, a little inline
//! JavaScript, nothing fetched) that reads without JavaScript. In order:
//! the verdict and what was and was not audited; who runs what, drawn as
//! an SVG graph; each image's layers with the findings whose files each
//! wrote; the findings by input (config file or image), worst first, each
//! with its lines; the docs of the rules that fired. JavaScript only adds
//! filters by severity and rule.
//!
//! Every value that comes from an input (paths, image names, `created_by`,
//! messages quoting YAML) goes through [`esc`]; secrets are masked in
//! snippets as in the human report.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, Write};

use super::snippet::{LineCache, describe, highlight, image_lines, masked, short};
use crate::finding::{Place, Severity, Subject};
use crate::policy::RunEdge;
use crate::policy::Verdict;
use crate::scan::ImageOverview;

/// Findings shown per group before the rest fold away.
const SHOWN_PER_GROUP: usize = 50;

/// Findings linked from one layer's row before a count stands for the rest.
const LINKED_PER_LAYER: usize = 5;

/// Text escaped for HTML content and for quoted attribute values.
fn esc(text: &str) -> String {
    super::markup::escape(text)
}

/// The CSS class of a severity (and of "nothing found").
fn class_of(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(s) => s.as_str(),
        None => "clean",
    }
}

/// Where each finding is shown, so that every place can link to it.
struct Anchors<'a> {
    /// Findings in the order the page lists them: by input, worst first.
    order: Vec<usize>,
    /// Input groups: a config file's path or an image's digest, with a
    /// title, in page order.
    groups: Vec<Group<'a>>,
    /// Image overviews by digest.
    image_index: HashMap<&'a str, usize>,
    /// The first finding on each line of a config file.
    by_line: HashMap<(&'a str, u32), usize>,
}

impl Anchors<'_> {
    /// Where a place is shown: a layer's row, the first finding on a
    /// config line, or the file's group; `None` when the page does not
    /// show it.
    fn href(&self, place: &Place) -> Option<String> {
        match place {
            Place::Image(l) => {
                let k = self.image_index.get(l.digest.as_str())?;
                Some(match &l.layer {
                    Some(layer) => format!("#image-{k}-layer-{}", layer.index),
                    None => format!("#image-{k}"),
                })
            }
            Place::Config(l) => match self.by_line.get(&(l.path.as_str(), l.line)) {
                Some(i) => Some(format!("#f-{i}")),
                None => self.group(&l.path).map(|g| format!("#file-{g}")),
            },
        }
    }

    fn group(&self, key: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.key == key)
    }
}

struct Group<'a> {
    key: &'a str,
    title: String,
    findings: Vec<usize>,
}

fn anchors(report: &Verdict) -> Anchors<'_> {
    let mut by_input: BTreeMap<(u8, &str), Vec<usize>> = BTreeMap::new();
    for (i, finding) in report.findings.iter().enumerate() {
        let key = match &finding.location {
            Place::Config(l) => (0, l.path.as_str()),
            Place::Image(l) => (1, l.digest.as_str()),
        };
        by_input.entry(key).or_default().push(i);
    }
    let mut groups = Vec::new();
    let mut order = Vec::new();
    for ((kind, key), mut findings) in by_input {
        // Worst first; within a severity, report order (file, line).
        findings.sort_by_key(|&i| std::cmp::Reverse(report.findings[i].severity));
        let title = match (kind, &report.findings[findings[0]].location) {
            (_, Place::Image(l)) => format!("image {} ({})", l.image, short(&l.digest)),
            _ => key.to_string(),
        };
        order.extend(&findings);
        groups.push(Group {
            key,
            title,
            findings,
        });
    }
    let image_index = report
        .coverage
        .images_read
        .iter()
        .enumerate()
        .map(|(i, image)| (image.digest.as_str(), i))
        .collect();
    let mut by_line = HashMap::new();
    for (i, finding) in report.findings.iter().enumerate() {
        if let Place::Config(l) = &finding.location {
            by_line.entry((l.path.as_str(), l.line)).or_insert(i);
        }
    }
    Anchors {
        order,
        groups,
        image_index,
        by_line,
    }
}

pub fn render(report: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let anchors = anchors(report);
    let mut page = String::with_capacity(64 * 1024 + report.findings.len() * 1024);
    head(&mut page);
    summary(report, &mut page);
    join(report, &anchors, &mut page);
    images(report, &anchors, &mut page);
    findings(report, &anchors, &mut page);
    rules(report, &mut page);
    page.push_str(SCRIPT);
    page.push_str("</body>\n</html>\n");
    out.write_all(page.as_bytes())
}

fn head(page: &mut String) {
    page.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>drydock report</title>\n",
    );
    page.push_str(STYLE);
    page.push_str("</head>\n<body>\n");
}

fn summary(report: &Verdict, page: &mut String) {
    let code = report.exit_code();
    let (verdict_class, verdict) = match code {
        0 => ("passed", "Gate passed".to_string()),
        1 => (
            "failed",
            format!(
                "Gate failed: {} finding(s) at or above {}",
                report.failing(),
                report.fail_on
            ),
        ),
        _ => (
            "error",
            format!(
                "Error: {} input(s) could not be read",
                report.coverage.errors.len()
            ),
        ),
    };
    let _ = writeln!(
        page,
        "<header>\n<h1>drydock report</h1>\n<p id=\"verdict\" class=\"verdict {verdict_class}\">{} \
         <span class=\"muted\">(fail-on {}, exit code {code})</span></p>\n\
         <p class=\"muted\">{}</p>\n<nav><a href=\"#summary\">Summary</a> · <a href=\"#join\">Who runs what</a> · \
         <a href=\"#images\">Images</a> · <a href=\"#findings\">Findings</a> · <a href=\"#rules\">Rules</a></nav>\n</header>",
        esc(&verdict),
        report.fail_on,
        esc(&super::summary(report)),
    );
    page.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    for severity in Severity::ALL {
        let _ = writeln!(
            page,
            "<div class=\"card {0}\"><span class=\"count\">{1}</span> {0}</div>",
            severity.as_str(),
            report.count(severity)
        );
    }
    page.push_str("</div>\n");
    // By rule and by input.
    let mut by_rule: BTreeMap<&str, (usize, Severity)> = BTreeMap::new();
    for f in &report.findings {
        let entry = by_rule.entry(&f.rule).or_insert((0, f.severity));
        entry.0 += 1;
        entry.1 = entry.1.max(f.severity);
    }
    page.push_str("<div class=\"columns\">\n<table class=\"counts\" id=\"by-rule\"><caption>By rule</caption>\n<tr><th>rule</th><th>findings</th></tr>\n");
    for (rule, (count, severity)) in &by_rule {
        let _ = writeln!(
            page,
            "<tr><td><span class=\"dot {}\"></span><a href=\"#rule-{1}\">{1}</a></td><td>{count}</td></tr>",
            severity.as_str(),
            esc(rule)
        );
    }
    page.push_str("</table>\n");
    let c = &report.coverage;
    page.push_str("<table class=\"counts\" id=\"coverage\"><caption>What was read</caption>\n");
    for (what, count) in [
        ("Compose projects", c.projects),
        ("Kubernetes workloads", c.workloads),
        ("Dockerfiles", c.dockerfiles),
        ("images", c.images),
        ("files", c.files),
        ("findings in the baseline", report.baselined),
        (
            "findings ignored by comments or annotations",
            report.ignored,
        ),
        ("findings excepted by the policy", report.excepted),
        ("findings of rules the policy turns off", report.turned_off),
    ] {
        let _ = writeln!(page, "<tr><td>{what}</td><td>{count}</td></tr>");
    }
    page.push_str("</table>\n</div>\n");
    let mut not_audited: Vec<String> = c.not_audited.iter().map(|e| e.to_string()).collect();
    if let Some(why) = &c.images_not_scanned {
        not_audited.insert(0, format!("the services' images: {why}"));
    }
    for (title, id, items) in [
        ("Not audited", "not-audited", &not_audited),
        (
            "Errors",
            "errors",
            &c.errors.iter().map(|e| e.to_string()).collect(),
        ),
        ("Warnings", "warnings", &c.warnings),
    ] {
        if items.is_empty() {
            continue;
        }
        let open = if id == "warnings" { "" } else { " open" };
        let _ = writeln!(
            page,
            "<details id=\"{id}\"{open}><summary>{title} ({})</summary>\n<ul>",
            items.len()
        );
        for item in items {
            let _ = writeln!(page, "<li>{}</li>", esc(item));
        }
        page.push_str("</ul>\n</details>\n");
    }
    for read in &c.image_sources {
        let _ = writeln!(
            page,
            "<p class=\"muted\">read {} from {}</p>",
            esc(&read.image),
            esc(&read.source)
        );
    }
    page.push_str("</section>\n");
}

/// Characters of a name shown in a graph node (the full name is its
/// tooltip).
const NODE_CHARS: usize = 42;

fn clip(text: &str) -> String {
    match text.char_indices().nth(NODE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Runners drawn in the graph at most; the worst come first, and the rest
/// are counted under it (their findings are all in the list below).
const DRAWN_RUNS: usize = 200;

/// What the graph needs of the findings, indexed once.
struct Worst<'a> {
    /// By runner: the worst severity and the first finding.
    by_subject: HashMap<&'a Subject, (Severity, usize)>,
    /// By image id: the worst severity.
    by_image: HashMap<&'a str, Severity>,
    /// (runner, rule) of every finding, for compound rules still standing.
    rules: std::collections::HashSet<(&'a Subject, &'a str)>,
}

fn worst_index(report: &Verdict) -> Worst<'_> {
    let mut worst = Worst {
        by_subject: HashMap::new(),
        by_image: HashMap::new(),
        rules: std::collections::HashSet::new(),
    };
    for (i, f) in report.findings.iter().enumerate() {
        if let Subject::Image { digest, .. } = &f.subject {
            let entry = worst.by_image.entry(digest.as_str()).or_insert(f.severity);
            *entry = (*entry).max(f.severity);
            continue;
        }
        let entry = worst
            .by_subject
            .entry(&f.subject)
            .or_insert((f.severity, i));
        entry.0 = entry.0.max(f.severity);
        worst.rules.insert((&f.subject, f.rule.as_ref()));
    }
    worst
}

/// Who runs what, as an SVG: services and containers on the left, the
/// images they run on the right, each coloured by its worst finding; an
/// edge is red and labelled when the pair made compound findings.
fn join(report: &Verdict, anchors: &Anchors, page: &mut String) {
    page.push_str("<section id=\"join\">\n<h2>Who runs what</h2>\n");
    if report.runs.is_empty() {
        page.push_str("<p class=\"muted\">No service or workload of this run names an image.</p>\n</section>\n");
        return;
    }
    let worst = worst_index(report);
    // The worst runners first, so a capped graph shows what matters.
    let mut runs: Vec<&RunEdge> = report.runs.iter().collect();
    runs.sort_by_key(|run| std::cmp::Reverse(worst.by_subject.get(&run.subject).map(|w| w.0)));
    let hidden = runs.len().saturating_sub(DRAWN_RUNS);
    runs.truncate(DRAWN_RUNS);
    // Right-hand nodes: each image once, in the order runners reach them.
    let mut right: Vec<(String, Option<&str>)> = Vec::new();
    let mut right_at: HashMap<String, usize> = HashMap::new();
    let right_of: Vec<usize> = runs
        .iter()
        .map(|run| {
            let key = match &run.digest {
                Some(d) => (d.clone(), Some(d.as_str())),
                None => (format!("ref:{}", run.image), None),
            };
            *right_at.entry(key.0.clone()).or_insert_with(|| {
                right.push(key);
                right.len() - 1
            })
        })
        .collect();
    const ROW: usize = 40;
    const BOX_W: usize = 330;
    const BOX_H: usize = 28;
    const LEFT_X: usize = 10;
    const RIGHT_X: usize = 560;
    let width = RIGHT_X + BOX_W + 10;
    let height = ROW * runs.len().max(right.len()) + 10;
    let _ = writeln!(
        page,
        "<svg id=\"join-graph\" role=\"img\" aria-label=\"services and the images they run\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\">"
    );
    let y_of = |row: usize| 10 + row * ROW;
    // Edges first, under the nodes.
    for (row, (run, &image)) in runs.iter().zip(&right_of).enumerate() {
        let (x1, y1) = (LEFT_X + BOX_W, y_of(row) + BOX_H / 2);
        let (x2, y2) = (RIGHT_X, y_of(image) + BOX_H / 2);
        let mut fired: Vec<&str> = run
            .compound
            .iter()
            .map(String::as_str)
            .filter(|rule| worst.rules.contains(&(&run.subject, *rule)))
            .collect();
        fired.sort_unstable();
        fired.dedup();
        let class = if fired.is_empty() {
            "edge"
        } else {
            "edge compound"
        };
        let mid = x1.midpoint(x2);
        let _ = writeln!(
            page,
            "<path class=\"{class}\" d=\"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}\"><title>{} runs {}</title></path>",
            esc(&run.label),
            esc(&run.image)
        );
        if !fired.is_empty() {
            let _ = writeln!(
                page,
                "<text class=\"edge-label\" x=\"{mid}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                y1.midpoint(y2) - 4,
                esc(&clip(&fired.join(", ")))
            );
        }
    }
    for (row, run) in runs.iter().enumerate() {
        let own = worst.by_subject.get(&run.subject);
        let href = own
            .map(|&(_, i)| format!("#f-{i}"))
            .or_else(|| anchors.href(&Place::Config(run.image_at.clone())))
            .unwrap_or_default();
        let at = format!(
            "{}:{}:{}",
            run.image_at.path, run.image_at.line, run.image_at.column
        );
        node(
            page,
            (LEFT_X, y_of(row)),
            (BOX_W, BOX_H),
            class_of(own.map(|w| w.0)),
            &href,
            &run.label,
            &format!("{} — image at {at}", run.label),
        );
    }
    for (row, (key, digest)) in right.iter().enumerate() {
        match digest {
            Some(digest) => {
                let index = anchors.image_index.get(digest);
                let name = index
                    .and_then(|&i| report.coverage.images_read.get(i))
                    .map_or(key.as_str(), |i| i.name.as_str());
                let href = index.map_or(String::new(), |i| format!("#image-{i}"));
                node(
                    page,
                    (RIGHT_X, y_of(row)),
                    (BOX_W, BOX_H),
                    class_of(worst.by_image.get(digest).copied()),
                    &href,
                    name,
                    &format!("{name} ({digest})"),
                );
            }
            None => {
                let reference = key.trim_start_matches("ref:");
                node(
                    page,
                    (RIGHT_X, y_of(row)),
                    (BOX_W, BOX_H),
                    "unread",
                    "",
                    reference,
                    &format!("{reference}: not read in this run"),
                );
            }
        }
    }
    page.push_str("</svg>\n");
    if hidden > 0 {
        let _ = writeln!(
            page,
            "<p class=\"muted\" id=\"join-more\">The {DRAWN_RUNS} services and containers with the worst findings are drawn; {hidden} more are not (their findings are listed below).</p>"
        );
    }
    page.push_str("<p class=\"legend\"><span class=\"dot critical\"></span>critical <span class=\"dot high\"></span>high \
        <span class=\"dot medium\"></span>medium <span class=\"dot low\"></span>low <span class=\"dot clean\"></span>nothing found \
        <span class=\"dot unread\"></span>image not read · a red edge made compound findings</p>\n</section>\n");
}

fn node(
    page: &mut String,
    (x, y): (usize, usize),
    (w, h): (usize, usize),
    class: &str,
    href: &str,
    text: &str,
    tooltip: &str,
) {
    let open = if href.is_empty() {
        "<g>".to_string()
    } else {
        format!("<a href=\"{}\">", esc(href))
    };
    let close = if href.is_empty() { "</g>" } else { "</a>" };
    let _ = writeln!(
        page,
        "{open}<rect class=\"node {class}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"5\"><title>{}</title></rect>\
         <text x=\"{}\" y=\"{}\">{}</text>{close}",
        esc(tooltip),
        x + 8,
        y + h / 2 + 5,
        esc(&clip(text))
    );
}

fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Each image read: its layers, with a size bar, the step that made each,
/// what each left visible and what later layers took out, and the
/// findings whose files it wrote.
fn images(report: &Verdict, anchors: &Anchors, page: &mut String) {
    page.push_str("<section id=\"images\">\n<h2>Images</h2>\n");
    if report.coverage.images_read.is_empty() {
        page.push_str("<p class=\"muted\">No image was read in this run.</p>\n");
    }
    // Findings by image digest and layer.
    let mut by_layer: HashMap<(&str, usize), Vec<usize>> = HashMap::new();
    for &i in &anchors.order {
        if let Place::Image(l) = &report.findings[i].location
            && let Some(layer) = &l.layer
        {
            by_layer
                .entry((l.digest.as_str(), layer.index))
                .or_default()
                .push(i);
        }
    }
    for (k, image) in report.coverage.images_read.iter().enumerate() {
        image_table(report, k, image, &by_layer, page);
    }
    page.push_str("</section>\n");
}

fn image_table(
    report: &Verdict,
    k: usize,
    image: &ImageOverview,
    by_layer: &HashMap<(&str, usize), Vec<usize>>,
    page: &mut String,
) {
    let user = if image.user.is_empty() {
        "root (no USER)".to_string()
    } else {
        image.user.clone()
    };
    let total: u64 = image.layers.iter().map(|l| l.size).sum();
    let largest = image
        .layers
        .iter()
        .map(|l| l.size)
        .max()
        .unwrap_or(0)
        .max(1);
    let _ = writeln!(
        page,
        "<article class=\"image\" id=\"image-{k}\">\n<h3>{}</h3>\n<p class=\"muted\">{} · user {} · {} layer(s), {}</p>\n\
         <table class=\"layers\">\n<tr><th>layer</th><th>size</th><th>made by</th><th>files seen</th><th>files taken out later</th><th>findings</th></tr>",
        esc(&image.name),
        esc(&image.digest),
        esc(&user),
        image.layers.len(),
        human_size(total)
    );
    for (index, layer) in image.layers.iter().enumerate() {
        let percent = (layer.size as f64 / largest as f64 * 100.0).round();
        let base = if index < image.base_layers {
            " <span class=\"tag\">base</span>"
        } else {
            ""
        };
        let step = if layer.created_by.is_empty() {
            "<span class=\"muted\">(no history)</span>".to_string()
        } else {
            format!("<code>{}</code>", esc(&layer.created_by))
        };
        let linked = by_layer
            .get(&(image.digest.as_str(), index))
            .map_or(&[][..], Vec::as_slice);
        let mut cell = String::new();
        for &i in linked.iter().take(LINKED_PER_LAYER) {
            let f = &report.findings[i];
            let path = match &f.location {
                Place::Image(l) => l.path.as_deref().unwrap_or(""),
                Place::Config(_) => "",
            };
            let _ = write!(
                cell,
                "<a class=\"chip {}\" href=\"#f-{i}\">{} {}</a> ",
                f.severity.as_str(),
                esc(&f.rule),
                esc(path)
            );
        }
        if linked.len() > LINKED_PER_LAYER {
            let _ = write!(cell, "and {} more", linked.len() - LINKED_PER_LAYER);
        }
        let taken = &layer.removed_later;
        let mut taken_cell = taken.count.to_string();
        if taken.count > 0 {
            taken_cell = format!("<details><summary>{}</summary><ul>", taken.count);
            for path in &taken.examples {
                let _ = write!(taken_cell, "<li><code>/{}</code></li>", esc(path));
            }
            taken_cell.push_str("</ul>");
            if taken.count > taken.examples.len() {
                let _ = write!(
                    taken_cell,
                    "and {} more",
                    taken.count - taken.examples.len()
                );
            }
            taken_cell.push_str("</details>");
        }
        let _ = writeln!(
            page,
            "<tr id=\"image-{k}-layer-{index}\"><td>{index}{base}<br><span class=\"muted\" title=\"{}\">{}</span></td>\
             <td><div class=\"bar\"><span style=\"width:{percent}%\"></span></div>{}</td><td>{step}</td>\
             <td>{}</td><td>{taken_cell}</td><td>{cell}</td></tr>",
            esc(&layer.diff_id),
            esc(short(&layer.diff_id)),
            human_size(layer.size),
            layer.visible,
        );
    }
    page.push_str("</table>\n</article>\n");
}

/// The findings by input, worst first, each with its lines.
fn findings(report: &Verdict, anchors: &Anchors, page: &mut String) {
    page.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    page.push_str("<form id=\"filters\" hidden><fieldset><legend>Show</legend>");
    for severity in Severity::ALL {
        let _ = write!(
            page,
            "<label><input type=\"checkbox\" name=\"severity\" value=\"{0}\" checked> {0}</label> ",
            severity.as_str()
        );
    }
    page.push_str("<label>rule <select name=\"rule\"><option value=\"\">all</option>");
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_ref()).collect();
    rules.sort_unstable();
    rules.dedup();
    for rule in rules {
        let _ = write!(page, "<option>{}</option>", esc(rule));
    }
    page.push_str("</select></label></fieldset></form>\n");
    if report.findings.is_empty() {
        page.push_str("<p class=\"muted\">No findings.</p>\n");
    }
    let mut lines = LineCache::default();
    for (g, group) in anchors.groups.iter().enumerate() {
        let _ = writeln!(
            page,
            "<div class=\"group\" id=\"file-{g}\">\n<h3>{} <span class=\"muted\">({} finding(s))</span></h3>",
            esc(&group.title),
            group.findings.len()
        );
        for (n, &i) in group.findings.iter().enumerate() {
            if n == SHOWN_PER_GROUP {
                let _ = writeln!(
                    page,
                    "<details class=\"more\"><summary>{} more finding(s) in {}</summary>",
                    group.findings.len() - SHOWN_PER_GROUP,
                    esc(&group.title)
                );
            }
            finding(report, anchors, i, &mut lines, page);
        }
        if group.findings.len() > SHOWN_PER_GROUP {
            page.push_str("</details>\n");
        }
        page.push_str("</div>\n");
    }
    page.push_str("</section>\n");
}

fn finding<'a>(
    report: &'a Verdict,
    anchors: &Anchors,
    i: usize,
    lines: &mut LineCache<'a>,
    page: &mut String,
) {
    let f = &report.findings[i];
    let severity = f.severity.as_str();
    let _ = writeln!(
        page,
        "<article class=\"finding {severity}\" id=\"f-{i}\" data-severity=\"{severity}\" data-rule=\"{0}\">\n\
         <p><span class=\"badge {severity}\">{severity}</span> <a class=\"rule\" href=\"#rule-{0}\">{0}</a> {1}</p>",
        esc(&f.rule),
        esc(&f.message)
    );
    match &f.location {
        Place::Config(loc) => {
            let _ = writeln!(
                page,
                "<p class=\"where\">{}:{}:{} <span class=\"muted\">{}</span></p>",
                esc(&loc.path),
                loc.line,
                loc.column,
                esc(&loc.route)
            );
            if let Some(source) = report.coverage.sources.get(&loc.path)
                && let Some((start, text)) = lines.line(&loc.path, &source.text, loc.line)
            {
                let shown = match loc.hidden {
                    Some(hidden) => masked(&source.text, start, text, hidden),
                    None => text.to_string(),
                };
                let range = highlight(loc, start, &shown);
                let (before, marked, after) = (
                    shown.get(..range.start).unwrap_or(""),
                    shown.get(range.clone()).unwrap_or(""),
                    shown.get(range.end..).unwrap_or(""),
                );
                let _ = writeln!(
                    page,
                    "<pre class=\"snippet\"><span class=\"ln\">{}</span>{}<mark>{}</mark>{}</pre>",
                    loc.line,
                    esc(before),
                    esc(marked),
                    esc(after)
                );
            }
        }
        Place::Image(l) => {
            let mut where_ = image_lines(l).join(" · ");
            where_ = esc(&where_);
            if let (Some(layer), Some(&k)) = (&l.layer, anchors.image_index.get(l.digest.as_str()))
            {
                where_.push_str(&format!(
                    " <a href=\"#image-{k}-layer-{}\">(layer table)</a>",
                    layer.index
                ));
            }
            let _ = writeln!(page, "<p class=\"where\">{where_}</p>");
        }
    }
    if !f.related.is_empty() {
        page.push_str("<ul class=\"related\">\n");
        for related in &f.related {
            let place = esc(&describe(related, &f.location));
            let place = match anchors.href(related) {
                Some(href) => format!("<a href=\"{href}\">{place}</a>"),
                None => place,
            };
            let _ = writeln!(
                page,
                "<li>{}: {place}</li>",
                esc(related.note().unwrap_or("see also")),
            );
        }
        page.push_str("</ul>\n");
    }
    if let Some(fix) = &f.fix {
        let _ = writeln!(page, "<p class=\"fix\">fix: {}</p>", esc(fix));
    }
    page.push_str("</article>\n");
}

/// The docs of every rule that fired, each folded under its title.
fn rules(report: &Verdict, page: &mut String) {
    page.push_str("<section id=\"rules\">\n<h2>Rules</h2>\n");
    let mut fired: Vec<&str> = report.findings.iter().map(|f| f.rule.as_ref()).collect();
    fired.sort_unstable();
    fired.dedup();
    for id in fired {
        let Some(rule) = report.rules.find(id) else {
            continue;
        };
        let _ = writeln!(
            page,
            "<details class=\"rule-docs\" id=\"rule-{}\"><summary><code>{}</code> {} <span class=\"muted\">(up to {})</span></summary>\n<pre class=\"docs\">{}</pre>\n</details>",
            esc(id),
            esc(id),
            esc(&rule.title),
            rule.severity,
            esc(rule.docs.trim())
        );
    }
    page.push_str("</section>\n");
}

const STYLE: &str = r#"<style>
:root { --critical:#b91c1c; --high:#ea580c; --medium:#ca8a04; --low:#2563eb; --info:#6b7280; --clean:#16a34a; --unread:#9ca3af; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 0 1.2em 3em; color: #1f2937; }
header { border-bottom: 1px solid #e5e7eb; margin-bottom: 1em; }
h1 { margin: .6em 0 .2em; } h2 { border-bottom: 1px solid #e5e7eb; padding-bottom: .2em; margin-top: 1.6em; }
.muted { color: #6b7280; font-size: .92em; }
.verdict { font-size: 1.25em; font-weight: 600; padding: .4em .7em; border-radius: 6px; display: inline-block; }
.verdict.passed { background: #dcfce7; color: #166534; } .verdict.failed { background: #fee2e2; color: #991b1b; } .verdict.error { background: #fef3c7; color: #92400e; }
.cards { display: flex; gap: .6em; flex-wrap: wrap; margin: .6em 0; }
.card { border-left: 6px solid; padding: .3em .8em; background: #f9fafb; border-radius: 4px; }
.card .count { font-size: 1.4em; font-weight: 700; }
.card.critical, .chip.critical, .finding.critical { border-color: var(--critical); } .card.high, .chip.high, .finding.high { border-color: var(--high); }
.card.medium, .chip.medium, .finding.medium { border-color: var(--medium); } .card.low, .chip.low, .finding.low { border-color: var(--low); } .card.info, .chip.info, .finding.info { border-color: var(--info); }
.columns { display: flex; gap: 2em; flex-wrap: wrap; align-items: flex-start; }
table { border-collapse: collapse; margin: .5em 0; } caption { text-align: left; font-weight: 600; }
td, th { padding: .25em .6em; border-bottom: 1px solid #e5e7eb; text-align: left; vertical-align: top; }
.dot { display: inline-block; width: .7em; height: .7em; border-radius: 50%; margin-right: .35em; background: var(--info); }
.dot.critical { background: var(--critical); } .dot.high { background: var(--high); } .dot.medium { background: var(--medium); }
.dot.low { background: var(--low); } .dot.clean { background: var(--clean); } .dot.unread { background: var(--unread); }
svg { max-width: 100%; height: auto; font: 13px system-ui, sans-serif; }
.node { fill: #f9fafb; stroke-width: 3; stroke: var(--info); } .node.critical { stroke: var(--critical); fill: #fef2f2; }
.node.high { stroke: var(--high); fill: #fff7ed; } .node.medium { stroke: var(--medium); fill: #fefce8; } .node.low { stroke: var(--low); }
.node.clean { stroke: var(--clean); } .node.unread { stroke: var(--unread); stroke-dasharray: 5 4; }
.edge { fill: none; stroke: #9ca3af; stroke-width: 2; } .edge.compound { stroke: var(--critical); stroke-width: 3; }
.edge-label { fill: var(--critical); font-weight: 600; }
.legend { font-size: .9em; color: #4b5563; }
.image { margin-bottom: 1.5em; } .layers code { white-space: pre-wrap; word-break: break-all; font-size: .88em; }
.bar { width: 90px; height: 8px; background: #e5e7eb; border-radius: 4px; } .bar span { display: block; height: 8px; background: #6366f1; border-radius: 4px; }
.tag { background: #e0e7ff; border-radius: 3px; padding: 0 .3em; font-size: .8em; }
.chip { display: inline-block; border-left: 4px solid; padding: 0 .4em; margin: .1em; background: #f3f4f6; font-size: .85em; text-decoration: none; color: inherit; }
.finding { border-left: 5px solid; padding: .2em .9em; margin: .7em 0; background: #fcfcfd; }
.finding p { margin: .3em 0; } .where { font-family: ui-monospace, monospace; font-size: .9em; }
.badge { color: #fff; border-radius: 3px; padding: 0 .4em; font-size: .8em; text-transform: uppercase; background: var(--info); }
.badge.critical { background: var(--critical); } .badge.high { background: var(--high); } .badge.medium { background: var(--medium); } .badge.low { background: var(--low); }
.rule { font-family: ui-monospace, monospace; }
pre { background: #f3f4f6; padding: .5em .7em; overflow-x: auto; border-radius: 4px; }
.snippet .ln { color: #9ca3af; margin-right: 1em; user-select: none; } mark { background: #fde68a; }
.related { margin: .2em 0; font-size: .9em; } .fix { color: #065f46; }
.docs { white-space: pre-wrap; }
form#filters fieldset { border: 1px solid #e5e7eb; border-radius: 6px; }
[hidden] { display: none !important; }
</style>
"#;

/// Filters by severity and rule: progressive enhancement, the page is
/// whole without it.
const SCRIPT: &str = r#"<script>
(function () {
  var form = document.getElementById("filters");
  if (!form) { return; }
  form.hidden = false;
  function apply() {
    var shown = {};
    form.querySelectorAll("input[name=severity]").forEach(function (box) { shown[box.value] = box.checked; });
    var rule = form.querySelector("select[name=rule]").value;
    document.querySelectorAll("article.finding").forEach(function (finding) {
      var visible = shown[finding.dataset.severity] && (rule === "" || finding.dataset.rule === rule);
      finding.hidden = !visible;
    });
    document.querySelectorAll("div.group").forEach(function (group) {
      group.hidden = group.querySelector("article.finding:not([hidden])") === null;
    });
  }
  form.addEventListener("change", apply);
  apply();
})();
</script>
"#;
