//! Asking the name server with `dig` and reading its answer: the status, the header flags,
//! and each section's records.

use std::net::SocketAddr;
use std::process::Command;
use std::time::{Duration, Instant};

/// Whether `dig` is installed; with `TENANTRY_REQUIRE_DIG=1` (CI) its absence fails.
pub fn dig_available() -> bool {
    let found = Command::new("dig").arg("-v").output().is_ok();
    if !found && std::env::var("TENANTRY_REQUIRE_DIG").as_deref() == Ok("1") {
        panic!("dig is required (TENANTRY_REQUIRE_DIG=1) but was not found");
    }
    found
}

#[derive(Debug, Clone)]
pub struct Line {
    pub name: String,
    pub ttl: u32,
    pub rtype: String,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct Answer {
    pub status: String,
    pub flags: Vec<String>,
    pub edns: bool,
    pub answer: Vec<Line>,
    pub authority: Vec<Line>,
    pub additional: Vec<Line>,
}

impl Answer {
    pub fn data_of(&self, rtype: &str) -> Vec<String> {
        data(&self.answer, rtype)
    }

    pub fn additional_data(&self, rtype: &str) -> Vec<String> {
        data(&self.additional, rtype)
    }

    pub fn answer_types(&self) -> Vec<String> {
        self.answer.iter().map(|l| l.rtype.clone()).collect()
    }

    pub fn authority_types(&self) -> Vec<String> {
        self.authority.iter().map(|l| l.rtype.clone()).collect()
    }
}

fn data(lines: &[Line], rtype: &str) -> Vec<String> {
    lines
        .iter()
        .filter(|l| l.rtype == rtype)
        .map(|l| l.data.clone())
        .collect()
}

pub struct Dig {
    server: SocketAddr,
}

impl Dig {
    pub fn new(server: SocketAddr) -> Self {
        Dig { server }
    }

    /// `dig @server -p port name type` with `extra` options; no retries, a short timeout.
    pub fn ask(&self, name: &str, rtype: &str, extra: &[&str]) -> Answer {
        parse(&self.output(name, rtype, extra))
    }

    /// What dig prints.
    pub fn output(&self, name: &str, rtype: &str, extra: &[&str]) -> String {
        let output = Command::new("dig")
            .arg(format!("@{}", self.server.ip()))
            .args(["-p", &self.server.port().to_string()])
            .args([
                "+norecurse",
                "+nocookie",
                "+tries=1",
                "+time=2",
                "+nomultiline",
                "+nosplit",
            ])
            .args(extra)
            .args([name, rtype])
            .output()
            .expect("dig runs");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The records of a zone transfer (`AXFR`, or `IXFR=serial`), in the order sent, without
    /// the messages' TSIG records; none when it was refused.
    pub fn transfer(&self, zone: &str, kind: &str, extra: &[&str]) -> Vec<Line> {
        self.output(zone, kind, extra)
            .lines()
            .filter(|line| !line.starts_with(';') && !line.is_empty())
            .filter_map(record)
            .filter(|record| record.rtype != "TSIG")
            .collect()
    }

    /// How many TSIG records a transfer's messages carried (one per signed message).
    pub fn signatures(&self, zone: &str, kind: &str, extra: &[&str]) -> usize {
        self.output(zone, kind, extra)
            .lines()
            .filter_map(record)
            .filter(|record| record.rtype == "TSIG")
            .count()
    }

    /// Asks until `answered` holds, failing if that takes longer than `limit` from `since`.
    pub fn within(&self, limit: Duration, since: Instant, answered: impl Fn(&Dig) -> bool) {
        loop {
            if answered(self) {
                return;
            }
            assert!(
                since.elapsed() < limit,
                "not answered within {limit:?} of the change"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn parse(text: &str) -> Answer {
    let mut answer = Answer::default();
    let mut section = "";
    for line in text.lines() {
        if let Some(rest) = line.split("status: ").nth(1) {
            answer.status = rest.split(',').next().unwrap_or_default().to_owned();
        }
        if let Some(rest) = line.strip_prefix(";; flags: ") {
            let flags = rest.split(';').next().unwrap_or_default();
            answer.flags = flags.split_whitespace().map(str::to_owned).collect();
        }
        if line.starts_with(";; OPT PSEUDOSECTION") {
            answer.edns = true;
        }
        if let Some(name) = line
            .strip_prefix(";; ")
            .and_then(|l| l.strip_suffix(" SECTION:"))
        {
            section = match name {
                "ANSWER" => "answer",
                "AUTHORITY" => "authority",
                "ADDITIONAL" => "additional",
                _ => "",
            };
            continue;
        }
        if line.is_empty() {
            section = "";
            continue;
        }
        if line.starts_with(';') || section.is_empty() {
            continue;
        }
        let Some(record) = record(line) else {
            continue;
        };
        match section {
            "answer" => answer.answer.push(record),
            "authority" => answer.authority.push(record),
            _ => answer.additional.push(record),
        }
    }
    answer
}

/// One record line: name, TTL, class, type, data.
fn record(line: &str) -> Option<Line> {
    let mut fields = line.split_whitespace();
    let (Some(name), Some(ttl), Some(_class), Some(rtype)) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return None;
    };
    Some(Line {
        name: name.to_owned(),
        ttl: ttl.parse().unwrap_or_default(),
        rtype: rtype.to_owned(),
        data: fields.collect::<Vec<_>>().join(" "),
    })
}
