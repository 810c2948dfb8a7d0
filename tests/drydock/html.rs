//! `--format html`: the page is parsed with an HTML5 parser (`scraper`)
//! and checked by its elements — the demo's chain drawn and linked, every
//! in-page link landing, nothing fetched, inputs that look like markup
//! staying text — and then opened in a real browser (`browser`).

use std::collections::HashSet;
use std::path::Path;

use scraper::{ElementRef, Html, Selector};

use crate::support::image::{Image, Layer};
use crate::support::{demo_scan, drydock};

fn select<'a>(page: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let selector = Selector::parse(css).unwrap_or_else(|e| panic!("{css}: {e:?}"));
    page.select(&selector).collect()
}

fn text(element: &ElementRef) -> String {
    element.text().collect()
}

/// The demo's report, as the README's command writes it.
pub(crate) fn demo_report() -> String {
    let run = demo_scan().args(["--format", "html"]).run();
    assert_eq!(run.code(), Some(1), "{}", run.all());
    run.stdout
}

/// Every `href="#id"` names an element of the page; nothing points off
/// the page or loads anything.
fn links_stay_in_the_page(page: &Html) {
    let ids: HashSet<&str> = select(page, "[id]")
        .iter()
        .filter_map(|e| e.value().attr("id"))
        .collect();
    for link in select(page, "[href]") {
        let href = link.value().attr("href").unwrap_or("");
        let target = href
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("a link leaves the page: {href}"));
        assert!(ids.contains(target), "no element with id `{target}`");
    }
    let loads: Vec<String> = select(page, "[src], link, iframe, object, embed, img")
        .iter()
        .map(|e| e.html())
        .collect();
    assert!(loads.is_empty(), "the page loads something: {loads:?}");
    assert_eq!(select(page, "script").len(), 1, "one inline script, ours");
    for element in select(page, "*") {
        for (name, _) in element.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "an event handler attribute: {}",
                element.html()
            );
        }
    }
}

#[test]
fn the_demo_report_draws_and_links_the_seeds_chain() {
    let page = Html::parse_document(&demo_report());
    links_stay_in_the_page(&page);

    let verdict = text(&select(&page, "#verdict")[0]);
    assert!(verdict.contains("Gate failed"), "{verdict}");
    assert!(verdict.contains("exit code 1"), "{verdict}");

    // The join: the `debug` service runs the toolbox image, and the pair
    // made the compound finding drawn on its edge.
    let graph = select(&page, "svg#join-graph");
    assert_eq!(graph.len(), 1);
    let nodes: Vec<String> = select(&page, "svg#join-graph a text")
        .iter()
        .map(text)
        .collect();
    assert!(nodes.contains(&"service `debug`".to_string()), "{nodes:?}");
    assert!(
        nodes.contains(&"drydock-demo/toolbox:1.0".to_string()),
        "{nodes:?}"
    );
    let labels: Vec<String> = select(&page, "svg#join-graph text.edge-label")
        .iter()
        .map(text)
        .collect();
    assert_eq!(labels, ["remote-shell-toolkit"]);
    assert_eq!(select(&page, "svg#join-graph path.edge.compound").len(), 1);
    // The image node is coloured by its worst finding, and links to its
    // layers.
    let image_node = select(&page, "svg#join-graph a[href='#image-0'] rect")[0];
    assert!(image_node.value().classes().any(|c| c == "critical"));

    // Layer 1 installed the netcat; its row links to the finding.
    let row = select(&page, "tr#image-0-layer-1")[0];
    assert!(text(&row).contains("RUN apt-get install -y netcat-traditional"));
    let chips = select(&page, "tr#image-0-layer-1 a.chip");
    assert_eq!(chips.len(), 1, "{}", row.html());
    let chip = chips[0];
    let target = chip.value().attr("href").unwrap();
    let finding = select(&page, &format!("article{target}"))[0];
    assert_eq!(
        finding.value().attr("data-rule"),
        Some("exec-capable-netcat")
    );
    assert!(text(&finding).contains("/usr/bin/nc.traditional"));

    // The deploy key's layer shows no file, and one taken out later (by
    // the `rm` of the next step); the base shows the `true` a later COPY
    // replaced.
    let cells = |row: &str| -> Vec<String> {
        select(&page, &format!("tr#{row} td"))
            .iter()
            .map(text)
            .collect()
    };
    let key = cells("image-0-layer-3");
    assert_eq!(key[3], "0", "{key:?}");
    assert!(key[5].contains("secret-in-image-file"), "{key:?}");
    let taken = |row: &str| -> (String, Vec<String>) {
        let summary = text(&select(&page, &format!("tr#{row} details summary"))[0]);
        let paths = select(&page, &format!("tr#{row} details li"))
            .iter()
            .map(text)
            .collect();
        (summary, paths)
    };
    assert_eq!(
        taken("image-0-layer-3"),
        ("1".to_string(), vec!["/root/.ssh/id_rsa".to_string()])
    );
    let (count, paths) = taken("image-0-layer-0");
    assert!(count.parse::<usize>().unwrap() >= 1);
    assert!(paths.contains(&"/usr/bin/true".to_string()), "{paths:?}");

    // The compound finding names the root user and the missing
    // no-new-privileges, on the `image:` line of the compose file.
    let compound = select(&page, "article[data-rule='remote-shell-toolkit']");
    assert_eq!(compound.len(), 1);
    let body = text(&compound[0]);
    assert!(body.contains("as root"), "{body}");
    assert!(body.contains("no-new-privileges unset"), "{body}");
    assert!(body.contains("compose.yaml:20:12"), "{body}");
    let marked = text(
        &select(
            &page,
            "article[data-rule='remote-shell-toolkit'] pre.snippet mark",
        )[0],
    );
    assert_eq!(marked, "drydock-demo/toolbox:1.0");
    // Its related places link to the layer that wrote the netcat.
    assert!(
        select(
            &page,
            "article[data-rule='remote-shell-toolkit'] .related a[href='#image-0-layer-1']"
        )
        .len()
            == 1,
        "{}",
        compound[0].html()
    );
    let nnp = select(&page, "article[data-rule='no-new-privileges']");
    assert!(nnp.iter().any(|f| text(f).contains("service `debug`")));

    // Findings are worst first within a file.
    let severities: Vec<&str> = select(&page, "#file-1 article.finding")
        .iter()
        .map(|f| f.value().attr("data-severity").unwrap())
        .collect();
    let rank = |s: &str| {
        ["critical", "high", "medium", "low", "info"]
            .iter()
            .position(|x| *x == s)
    };
    assert!(
        severities.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{severities:?}"
    );

    // Each rule that fired has its docs in the page.
    for rule in select(&page, "article.finding") {
        let id = rule.value().attr("data-rule").unwrap();
        assert_eq!(
            select(&page, &format!("details#rule-{id} pre.docs")).len(),
            1,
            "{id}"
        );
    }
    // The summary counts what the JSON report counts.
    let cards: Vec<String> = select(&page, ".cards .card").iter().map(text).collect();
    assert_eq!(
        cards[0].split_whitespace().collect::<Vec<_>>(),
        ["4", "critical"]
    );
}

/// Markup written in every input that reaches the page: a directory
/// name, Compose values quoted in messages, an image's file names (one
/// not even UTF-8) and its `created_by`, and a credential.
#[test]
fn inputs_that_look_like_markup_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p&q\"<i>x</i>'");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::create_dir_all(dir.path().join("images")).unwrap();
    std::fs::write(
        project.join("compose.yaml"),
        "services:\n  web:\n    image: evil/toolbox:1.0\n    cap_add: [\"<svg onload=alert(1)>\"]\n    \
         environment:\n      NOTE: \"</pre><script>alert(2)</script>\"\n      GH: ghp_0123456789abcdefghijklmnopqrstuvwxyzAB\n",
    )
    .unwrap();
    let layer = Layer::new()
        .dir("usr", 0o755, 0, 0)
        .dir("usr/bin", 0o755, 0, 0)
        .unchecked_file(
            b"usr/bin/<img src=x onerror=alert(3)>",
            0o4755,
            b"\x7fELF".to_vec(),
        )
        .unchecked_file(b"usr/bin/\xff\xfe<b>bold</b>", 0o4755, b"\x7fELF".to_vec())
        .created_by("RUN echo '</code></td><script>alert(4)</script>' && \"quoted\" & more");
    Image::new()
        .tag("evil/toolbox:1.0")
        .layer(layer)
        .write_docker_oci(&dir.path().join("images/toolbox.tar"));
    let run = drydock()
        .arg("scan")
        .arg(dir.path())
        .arg("--images")
        .arg(dir.path().join("images"))
        .args(["--format", "html"])
        .run();
    assert!(matches!(run.code(), Some(0 | 1)), "{}", run.all());
    let page = Html::parse_document(&run.stdout);
    links_stay_in_the_page(&page);
    for tag in ["svg *[onload]", "img", "b", "i", "td script", "pre script"] {
        assert!(select(&page, tag).is_empty(), "an injected `{tag}`");
    }
    let all = text(&select(&page, "body")[0]);
    for written in [
        "<svg onload=alert(1)>",
        "<img src=x onerror=alert(3)>",
        "</code></td><script>alert(4)</script>",
        "p&q\"<i>x</i>'",
        "\u{fffd}\u{fffd}<b>bold</b>",
    ] {
        assert!(all.contains(written), "`{written}` is not shown as text");
    }
    assert!(
        !run.stdout
            .contains("ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"),
        "the token is in the page"
    );
}

#[test]
fn an_image_alone_and_a_clean_run_render_too() {
    let dir = tempfile::tempdir().unwrap();
    let image = dir.path().join("clean.tar");
    Image::new()
        .tag("clean:1")
        .user("app")
        .layer(
            Layer::new()
                .dir("app", 0o755, 0, 0)
                .created_by("WORKDIR /app"),
        )
        .write_docker_oci(&image);
    let run = drydock()
        .image_inputs(&[&image])
        .args(["--format", "html"])
        .run();
    assert_eq!(run.code(), Some(0), "{}", run.all());
    let page = Html::parse_document(&run.stdout);
    links_stay_in_the_page(&page);
    assert!(text(&select(&page, "#verdict")[0]).contains("Gate passed"));
    assert_eq!(select(&page, "table.layers tr[id]").len(), 1);
    assert!(text(&select(&page, "#join")[0]).contains("No service or workload"));
}

#[test]
fn the_report_goes_to_the_output_file_and_the_verdict_to_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    let run = demo_scan()
        .args(["--format", "html", "--output"])
        .arg(&out)
        .run();
    assert_eq!(run.code(), Some(1));
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("FAILED"), "{}", run.stderr);
    let page = std::fs::read_to_string(&out).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(Path::new(&out).metadata().unwrap().len() > 10_000);
}

/// A repository of many services: the graph draws the worst 200 and says
/// how many it left out; every finding is still in the list.
#[test]
fn a_big_graph_draws_the_worst_runners_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..230 {
        compose.push_str(&format!("  s{i}:\n    image: app{i}:1\n"));
    }
    compose.push_str("  bad:\n    image: app0:1\n    privileged: true\n");
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let run = drydock()
        .arg("scan")
        .arg(dir.path())
        .args(["--images", "none", "--format", "html"])
        .run();
    let page = Html::parse_document(&run.stdout);
    links_stay_in_the_page(&page);
    let runners: Vec<String> = select(&page, "svg#join-graph a text, svg#join-graph g text")
        .iter()
        .map(text)
        .filter(|t| t.starts_with("service"))
        .collect();
    assert_eq!(runners.len(), 200);
    assert_eq!(runners[0], "service `bad`", "the worst first");
    let more = text(&select(&page, "#join-more")[0]);
    assert!(more.contains("31 more"), "{more}");
    assert!(select(&page, "article[data-rule='privileged']").len() == 1);
}
