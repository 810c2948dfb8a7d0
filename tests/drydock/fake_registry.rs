//! The fake registry (`support::fake_registry`) on its own, before any
//! client is tested against it: plain `TcpStream` requests, one per
//! connection, read to the end of the stream. Each test checks what a
//! registry client will rely on: digests that match the bytes, the error
//! codes and statuses of the Distribution API, the token flow, and that each
//! fault does on the wire what its documentation says (and then stops).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::support::fake_registry::{
    Auth, FakeRegistry, Fault, IndexKind, Listener, basic_credentials,
};
use crate::support::image::{BuiltImage, Compression, Image, Layer, digest, media};

/// A response as read off the socket.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        let mut named = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        named.next().map(|(_, v)| v.as_str())
    }

    fn content_length(&self) -> usize {
        self.header("content-length").unwrap().parse().unwrap()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    /// `errors[0].code` of a registry error body.
    fn error_code(&self) -> String {
        self.json()["errors"][0]["code"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// One request to `addr` (`host:port`), with `headers`; reads until the
/// server closes the connection.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: test\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    conn.read_to_end(&mut raw).unwrap();
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8(raw[..end].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn get(addr: &str, path: &str) -> Reply {
    request(addr, "GET", path, &[])
}

/// Two gzip layers, linux/`arch`.
fn image(arch: &str) -> BuiltImage {
    Image::new()
        .platform("linux", arch)
        .compression(Compression::Gzip)
        .layer(
            Layer::new()
                .dir("etc", 0o755, 0, 0)
                .file("etc/hostname", 0o644, 0, 0, "fake\n"),
        )
        .layer(Layer::new().file("etc/motd", 0o644, 0, 0, format!("hello from {arch}\n")))
        .build()
}

/// A registry with `image("amd64")` as `team/app:1.0`.
fn registry_with_image() -> (FakeRegistry, BuiltImage) {
    let registry = FakeRegistry::start();
    let built = image("amd64");
    registry.push("team/app", "1.0", &built);
    (registry, built)
}

#[test]
fn ping_and_manifest_by_tag_and_by_digest() {
    let (registry, built) = registry_with_image();
    let addr = registry.address();
    let ping = get(&addr, "/v2/");
    assert_eq!((ping.status, ping.json()), (200, serde_json::json!({})));
    assert_eq!(
        ping.header("Docker-Distribution-API-Version"),
        Some("registry/2.0")
    );

    let accept = [("Accept", media::DOCKER_MANIFEST)];
    let by_tag = request(&addr, "GET", "/v2/team/app/manifests/1.0", &accept);
    assert_eq!(by_tag.status, 200);
    assert_eq!(by_tag.body, built.manifest);
    // Served with its own media type whatever Accept said.
    assert_eq!(
        by_tag.header("Content-Type"),
        Some(built.manifest_media_type)
    );
    assert_eq!(
        by_tag.header("Docker-Content-Digest"),
        Some(digest(&by_tag.body).as_str())
    );
    assert_eq!(
        by_tag.header("Docker-Content-Digest"),
        Some(built.manifest_digest.as_str())
    );
    assert_eq!(by_tag.content_length(), built.manifest.len());

    let path = format!("/v2/team/app/manifests/{}", built.manifest_digest);
    let by_digest = get(&addr, &path);
    assert_eq!((by_digest.status, &by_digest.body), (200, &built.manifest));
    let head = request(&addr, "HEAD", &path, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.content_length(), built.manifest.len());
    assert_eq!(
        head.header("Docker-Content-Digest"),
        Some(built.manifest_digest.as_str())
    );

    let log = registry.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[1].accept.as_deref(), Some(media::DOCKER_MANIFEST));
    assert_eq!((log[3].method.as_str(), log[3].status), ("HEAD", 200));
    assert_eq!(registry.count("GET", "/manifests/"), 2);
}

#[test]
fn blobs_match_their_digests() {
    let (registry, built) = registry_with_image();
    let addr = registry.address();
    let config = get(
        &addr,
        &format!("/v2/team/app/blobs/{}", built.config_digest),
    );
    assert_eq!((config.status, &config.body), (200, &built.config));
    assert_eq!(digest(&config.body), built.config_digest);
    for layer in &built.layers {
        let blob = get(&addr, &format!("/v2/team/app/blobs/{}", layer.digest));
        assert_eq!(blob.status, 200);
        assert_eq!(digest(&blob.body), layer.digest);
        assert_eq!(blob.content_length() as u64, layer.size);
        assert_eq!(
            blob.header("Docker-Content-Digest"),
            Some(layer.digest.as_str())
        );
    }
    assert_eq!(registry.count("GET", &built.layers[0].digest), 1);
}

#[test]
fn unknown_repository_tag_and_blob() {
    let (registry, built) = registry_with_image();
    let addr = registry.address();
    let cases = [
        ("/v2/team/other/manifests/1.0", "NAME_UNKNOWN"),
        ("/v2/team/manifests/1.0", "NAME_UNKNOWN"),
        ("/v2/team/app/manifests/2.0", "MANIFEST_UNKNOWN"),
        (
            &format!("/v2/team/app/manifests/sha256:{:0>64}", 1),
            "MANIFEST_UNKNOWN",
        ),
        (
            &format!("/v2/team/app/blobs/sha256:{:0>64}", 1),
            "BLOB_UNKNOWN",
        ),
        (
            &format!("/v2/team/other/blobs/{}", built.config_digest),
            "NAME_UNKNOWN",
        ),
    ];
    for (path, code) in cases {
        let reply = get(&addr, path);
        assert_eq!(
            (reply.status, reply.error_code()),
            (404, code.to_string()),
            "{path}"
        );
        assert_eq!(reply.header("Content-Type"), Some("application/json"));
    }
    let tags = get(&addr, "/v2/team/app/tags/list").json();
    assert_eq!(
        tags,
        serde_json::json!({"name": "team/app", "tags": ["1.0"]})
    );
    assert_eq!(request(&addr, "DELETE", "/v2/", &[]).status, 405);
}

#[test]
fn oci_index_and_docker_list() {
    let registry = FakeRegistry::start();
    let addr = registry.address();
    let images = [image("amd64"), image("arm64/v8")];
    for (kind, tag, media_type) in [
        (IndexKind::Oci, "oci", media::OCI_INDEX),
        (IndexKind::DockerList, "docker", media::DOCKER_LIST),
    ] {
        let index_digest = registry.push_index("multi/arch", tag, &images, kind);
        let index = get(&addr, &format!("/v2/multi/arch/manifests/{tag}"));
        assert_eq!(index.header("Content-Type"), Some(media_type));
        assert_eq!(digest(&index.body), index_digest);
        assert_eq!(
            index.header("Docker-Content-Digest"),
            Some(index_digest.as_str())
        );
        let json = index.json();
        assert_eq!(json["mediaType"], media_type);
        let manifests = json["manifests"].as_array().unwrap();
        assert_eq!(manifests.len(), 2);
        assert_eq!(
            manifests[0]["platform"],
            serde_json::json!({"os": "linux", "architecture": "amd64"})
        );
        let arm = serde_json::json!({"os": "linux", "architecture": "arm64", "variant": "v8"});
        assert_eq!(manifests[1]["platform"], arm);
        for (desc, built) in manifests.iter().zip(&images) {
            assert_eq!(desc["digest"], built.manifest_digest.as_str());
            assert_eq!(desc["size"], built.manifest.len());
            let child = get(
                &addr,
                &format!("/v2/multi/arch/manifests/{}", built.manifest_digest),
            );
            assert_eq!(child.body, built.manifest);
            let layer = &built.layers[1].digest;
            assert_eq!(
                get(&addr, &format!("/v2/multi/arch/blobs/{layer}")).status,
                200
            );
        }
    }
}

#[test]
fn bearer_token_flow() {
    let (registry, built) = registry_with_image();
    registry.push("team/other", "1.0", &built);
    registry.auth(Auth::bearer(Some(("ci", "s3cret"))));
    let addr = registry.address();
    let realm = format!("Bearer realm=\"http://{addr}/token\",service=\"fake-registry\"");

    let ping = get(&addr, "/v2/");
    assert_eq!(
        (ping.status, ping.error_code().as_str()),
        (401, "UNAUTHORIZED")
    );
    assert_eq!(ping.header("WWW-Authenticate"), Some(realm.as_str()));
    let manifest = "/v2/team/app/manifests/1.0";
    let refused = get(&addr, manifest);
    let challenge = format!("{realm},scope=\"repository:team/app:pull\"");
    assert_eq!(
        (refused.status, refused.header("WWW-Authenticate")),
        (401, Some(challenge.as_str()))
    );

    let token_path = "/token?service=fake-registry&scope=repository%3Ateam%2Fapp%3Apull";
    let no_creds = get(&addr, token_path);
    assert_eq!(no_creds.status, 401);
    assert_eq!(
        no_creds.header("WWW-Authenticate"),
        Some("Basic realm=\"fake\"")
    );
    let wrong = basic_credentials("ci", "wrong");
    assert_eq!(
        request(&addr, "GET", token_path, &[("Authorization", &wrong)]).status,
        401
    );
    let creds = basic_credentials("ci", "s3cret");
    let issued = request(&addr, "GET", token_path, &[("Authorization", &creds)]);
    assert_eq!(issued.status, 200);
    let token = issued.json()["token"].as_str().unwrap().to_string();
    assert_eq!(issued.json()["access_token"], token.as_str());

    let bearer = format!("Bearer {token}");
    let served = request(&addr, "GET", manifest, &[("Authorization", &bearer)]);
    assert_eq!((served.status, &served.body), (200, &built.manifest));
    assert_eq!(
        request(&addr, "GET", "/v2/", &[("Authorization", &bearer)]).status,
        200
    );
    // The token is for team/app only.
    let other = request(
        &addr,
        "GET",
        "/v2/team/other/manifests/1.0",
        &[("Authorization", &bearer)],
    );
    assert_eq!(other.status, 401);
    assert!(
        other
            .header("WWW-Authenticate")
            .unwrap()
            .ends_with(",error=\"insufficient_scope\"")
    );
    let forged = request(
        &addr,
        "GET",
        manifest,
        &[("Authorization", "Bearer forged")],
    );
    assert!(
        forged
            .header("WWW-Authenticate")
            .unwrap()
            .ends_with(",error=\"invalid_token\"")
    );
    // Another scope, another token.
    let other_path = "/token?service=fake-registry&scope=repository:team/other:pull";
    let other_token = request(&addr, "GET", other_path, &[("Authorization", &creds)]).json();
    assert_ne!(other_token["token"], token.as_str());

    let log = registry.requests();
    let served_request = log
        .iter()
        .find(|r| r.status == 200 && r.path == manifest)
        .unwrap();
    assert_eq!(served_request.auth_scheme(), Some("Bearer"));
    assert_eq!(
        served_request.authorization.as_deref(),
        Some(bearer.as_str())
    );
    assert!(log.iter().all(|r| r.listener == Listener::Registry));
}

#[test]
fn anonymous_bearer_basic_and_denied() {
    let (registry, _) = registry_with_image();
    let addr = registry.address();
    registry.auth(Auth::bearer(None));
    let token = get(&addr, "/token?scope=repository:team/app:pull").json();
    let bearer = format!("Bearer {}", token["token"].as_str().unwrap());
    let manifest = "/v2/team/app/manifests/1.0";
    assert_eq!(
        request(&addr, "GET", manifest, &[("Authorization", &bearer)]).status,
        200
    );

    registry.auth(Auth::basic("ci", "s3cret"));
    let refused = get(&addr, "/v2/");
    assert_eq!(
        (refused.status, refused.header("WWW-Authenticate")),
        (401, Some("Basic realm=\"fake\""))
    );
    let wrong = basic_credentials("ci", "nope");
    assert_eq!(
        request(&addr, "GET", manifest, &[("Authorization", &wrong)]).status,
        401
    );
    let creds = basic_credentials("ci", "s3cret");
    assert_eq!(
        request(&addr, "GET", manifest, &[("Authorization", &creds)]).status,
        200
    );
    assert_eq!(
        get(&addr, "/token").status,
        404,
        "no token service outside Bearer mode"
    );

    registry.auth(Auth::Denied);
    assert_eq!(
        request(&addr, "GET", "/v2/", &[("Authorization", &creds)]).status,
        200
    );
    let denied = request(&addr, "GET", manifest, &[("Authorization", &creds)]);
    assert_eq!(
        (denied.status, denied.error_code().as_str()),
        (403, "DENIED")
    );
}

#[test]
fn status_fault_then_recovery() {
    let (registry, built) = registry_with_image();
    let addr = registry.address();
    registry.fault(Fault::status("/manifests/1.0", 429, 2).retry_after(3));
    registry.fault(Fault::status("/blobs/", 503, 1));
    let manifest = "/v2/team/app/manifests/1.0";
    for _ in 0..2 {
        let limited = get(&addr, manifest);
        assert_eq!(
            (limited.status, limited.error_code().as_str()),
            (429, "TOOMANYREQUESTS")
        );
        assert_eq!(limited.header("Retry-After"), Some("3"));
    }
    assert_eq!(get(&addr, manifest).status, 200);
    let blob = format!("/v2/team/app/blobs/{}", built.config_digest);
    let unavailable = get(&addr, &blob);
    assert_eq!(
        (unavailable.status, unavailable.error_code().as_str()),
        (503, "UNAVAILABLE")
    );
    assert_eq!(unavailable.header("Retry-After"), None);
    assert_eq!(get(&addr, &blob).status, 200);
    assert_eq!(registry.count("GET", manifest), 3);

    // Authentication comes first: a 401 consumes no fault.
    registry.fault(Fault::status("/v2/", 500, 1));
    registry.auth(Auth::basic("ci", "s3cret"));
    assert_eq!(get(&addr, "/v2/").status, 401);
    let creds = basic_credentials("ci", "s3cret");
    assert_eq!(
        request(&addr, "GET", "/v2/", &[("Authorization", &creds)]).status,
        500
    );
    assert_eq!(
        request(&addr, "GET", "/v2/", &[("Authorization", &creds)]).status,
        200
    );
}

#[test]
fn break_mid_blob_and_wrong_blob() {
    let (registry, built) = registry_with_image();
    let addr = registry.address();
    let layer = &built.layers[0];
    let path = format!("/v2/team/app/blobs/{}", layer.digest);
    registry.fault_times(
        Fault::BreakMidBlob {
            digest: layer.digest.clone(),
        },
        1,
    );
    let head = request(&addr, "HEAD", &path, &[]);
    assert_eq!(
        (head.status, head.content_length()),
        (200, layer.blob.len()),
        "HEAD is not faulted"
    );
    let broken = get(&addr, &path);
    assert_eq!(
        (broken.status, broken.content_length()),
        (200, layer.blob.len())
    );
    assert_eq!(broken.body, layer.blob[..layer.blob.len() / 2]);
    assert_eq!(get(&addr, &path).body, layer.blob, "the fault fired once");

    let other = built.layers[1].digest.clone();
    let other_path = format!("/v2/team/app/blobs/{other}");
    let mut flipped = built.layers[1].blob.clone();
    flipped[0] ^= 0xff;
    for bytes in [
        vec![0; 3],
        [built.layers[1].blob.as_slice(), b"tail"].concat(),
        flipped,
    ] {
        registry.clear_faults();
        registry.fault(Fault::WrongBlob {
            digest: other.clone(),
            bytes: bytes.clone(),
        });
        let wrong = get(&addr, &other_path);
        assert_eq!(
            (wrong.status, wrong.content_length(), &wrong.body),
            (200, bytes.len(), &bytes)
        );
        assert_eq!(wrong.header("Docker-Content-Digest"), Some(other.as_str()));
    }
}

#[test]
fn redirect_blobs_to_the_second_listener() {
    let (registry, built) = registry_with_image();
    registry.auth(Auth::basic("ci", "s3cret"));
    registry.fault(Fault::RedirectBlobs);
    let addr = registry.address();
    let creds = basic_credentials("ci", "s3cret");
    let auth = [("Authorization", creds.as_str())];
    let layer = &built.layers[1];
    let path = format!("/v2/team/app/blobs/{}", layer.digest);

    assert_eq!(
        get(&addr, &path).status,
        401,
        "the redirect needs the credentials"
    );
    let redirect = request(&addr, "GET", &path, &auth);
    assert_eq!((redirect.status, redirect.body.len()), (307, 0));
    let location = redirect.header("Location").unwrap().to_string();
    let target = format!(
        "http://{}/blob/{}",
        registry.redirect_address(),
        layer.digest
    );
    assert_eq!(location, target);
    assert!(location.starts_with("http://localhost:"));
    assert_eq!(
        request(&addr, "HEAD", &path, &auth).status,
        200,
        "HEAD is answered in place"
    );

    // What a client should do: follow without the credentials.
    let (host, blob_path) = location["http://".len()..].split_once('/').unwrap();
    let blob = get(host, &format!("/{blob_path}"));
    assert_eq!(
        (blob.status, digest(&blob.body)),
        (200, layer.digest.clone())
    );
    assert_eq!(
        blob.header("Docker-Content-Digest"),
        Some(layer.digest.as_str())
    );
    assert!(!registry.redirect_saw_authorization());
    assert_eq!(get(host, "/blob/sha256:0").status, 404);

    // Faults on the bytes apply where the bytes are served.
    registry.fault_times(
        Fault::BreakMidBlob {
            digest: layer.digest.clone(),
        },
        1,
    );
    assert_eq!(
        get(host, &format!("/{blob_path}")).body.len(),
        layer.blob.len() / 2
    );

    // What a client must not do.
    request(host, "GET", &format!("/{blob_path}"), &auth);
    assert!(registry.redirect_saw_authorization());
    assert_eq!(
        registry.count("GET", &format!("/blobs/{}", layer.digest)),
        2
    );
    assert_eq!(registry.count("GET", &format!("/blob/{}", layer.digest)), 3);
    let redirected = registry
        .requests()
        .into_iter()
        .filter(|r| r.listener == Listener::Redirect);
    assert_eq!(redirected.count(), 4);
}

#[test]
fn manifest_media_type_fault() {
    let (registry, built) = registry_with_image();
    let addr = registry.address();
    let v1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
    registry.fault(Fault::ManifestMediaType {
        tag_or_digest: built.manifest_digest.clone(),
        media_type: v1.to_string(),
    });
    for reference in ["1.0", built.manifest_digest.as_str()] {
        let reply = get(&addr, &format!("/v2/team/app/manifests/{reference}"));
        assert_eq!(
            (reply.status, reply.header("Content-Type")),
            (200, Some(v1))
        );
        assert_eq!(reply.json()["mediaType"], v1);
        assert_eq!(
            reply.header("Docker-Content-Digest"),
            Some(digest(&reply.body).as_str())
        );
    }
}
