// The HTML report fixture (see html_report_fixture.h): realistic rows from the RSFM list.
#include "support/html_report_fixture.h"

#include <utility>

namespace ah::testing {

namespace {

TargetRecord target(std::string url, Verdict v, std::string role, std::string entry, std::string section, int line) {
    TargetRecord t;
    t.url = std::move(url);
    t.kind = "web";
    t.result.verdict = v;
    t.result.url = t.url;
    t.result.http_status = v == Verdict::ok ? 200 : 0;
    t.occurrences.push_back(Occurrence{line, 5, std::move(role), std::move(entry), std::move(section)});
    return t;
}

TargetRecord dead(TargetRecord t, int consecutive, bool confirmed) {
    t.result.verdict = Verdict::dead;
    t.result.http_status = 404;
    t.result.error = "HTTP 404";
    t.consecutive_failures = consecutive;
    t.confirmed = confirmed;
    t.first_failed_at = consecutive > 1 ? "2026-11-25T02:00:00Z" : "2026-11-27T02:00:00Z";
    return t;
}

RepoMeta repo(std::string name, std::int64_t stars, std::string last_commit, bool archived = false) {
    RepoMeta m;
    m.name_with_owner = name;
    m.url = "https://github.com/" + name;
    m.stars = stars;
    m.last_commit_at = std::move(last_commit);
    m.pushed_at = m.last_commit_at;
    m.archived = archived;
    return m;
}

}  // namespace

HtmlReportFixture html_report_fixture() {
    constexpr const char* vision = "Vision Foundation Models";
    constexpr const char* language = "Vision-Language Models";
    HtmlReportFixture f;
    Snapshot& now = f.snapshot;
    Snapshot& old_s = f.previous;
    now.tool = old_s.tool = "awesome-health 0.1.0";
    now.list_source = old_s.list_source = "README.md";
    now.list_sha256 = "9f2c1e0d5b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6";
    old_s.generated_at = "2026-11-26T02:00:00Z";
    now.generated_at = "2026-11-27T02:00:00Z";
    now.duration_ms = 83450;
    now.requests = 14;
    now.retries = 2;

    // RSPrompter: all well.
    TargetRecord rsp_paper = target("https://arxiv.org/abs/2306.16269", Verdict::ok, "paper", "RSPrompter", vision, 12);
    TargetRecord rsp_code = target("https://github.com/KyanChen/RSPrompter", Verdict::ok, "code", "RSPrompter", vision, 12);
    rsp_code.repo = repo("KyanChen/RSPrompter", 512, "2024-05-01T10:00:00Z");
    // SatMAE: listed as a preprint that has since been published; its code is gone.
    TargetRecord sat_paper = target("https://arxiv.org/abs/2207.08051", Verdict::ok, "paper", "SatMAE", vision, 13);
    TargetRecord sat_code = dead(target("https://github.com/sustainlab-group/SatMAE", Verdict::ok, "code", "SatMAE", vision, 13), 3, true);
    sat_code.archive_url = "https://web.archive.org/web/2025/https://github.com/sustainlab-group/SatMAE";
    // Scale-MAE: the paper moved, the code host refuses robots.
    TargetRecord scale_paper = target("http://openaccess.thecvf.com/ScaleMAE.html", Verdict::moved, "paper", "Scale-MAE", vision, 14);
    scale_paper.result.http_status = 301;
    scale_paper.result.final_url = "https://openaccess.thecvf.com/content/ICCV2023/html/ScaleMAE.html";
    scale_paper.result.redirects.push_back({"http://openaccess.thecvf.com/ScaleMAE.html", 301});
    TargetRecord scale_code = target("https://scale-mae.example.org/code", Verdict::blocked, "code", "Scale-MAE", vision, 14);
    scale_code.result.http_status = 403;
    scale_code.result.error = "HTTP 403: the site refuses automated checks";
    // GeoChat: the paper fails for the first time; the repository is archived and popular.
    TargetRecord geo_paper = dead(target("https://geochat.example.org/paper.pdf", Verdict::ok, "paper", "GeoChat", language, 20), 1, false);
    TargetRecord geo_code = target("https://github.com/mbzuai-oryx/GeoChat", Verdict::ok, "code", "GeoChat", language, 20);
    geo_code.repo = repo("mbzuai-oryx/GeoChat", 1400, "2025-02-11T08:30:00Z", true);
    TargetRecord geo_project = target("https://mbzuai-oryx.github.io/GeoChat", Verdict::ok, "project", "GeoChat", language, 20);
    // Prithvi: a timeout, and non-ASCII text.
    TargetRecord pri_paper = target("https://prithvi.example.org/paper", Verdict::error, "paper", "Prithvi", language, 21);
    pri_paper.result.error = "timeout after 30 s";
    pri_paper.consecutive_failures = 2;
    pri_paper.confirmed = true;
    pri_paper.first_failed_at = "2026-11-26T02:00:00Z";

    now.targets = {rsp_paper, rsp_code, sat_paper, sat_code, scale_paper, scale_code,
                   geo_paper, geo_code, geo_project, pri_paper};
    now.entries = {
        {vision, "RSPrompter", "RSPrompter: Learning to Prompt for Remote Sensing Instance Segmentation", "TGRS", 2024, 12,
         {rsp_paper.url, rsp_code.url}},
        {vision, "SatMAE", "SatMAE: Pre-training Transformers for Temporal and Multi-Spectral Satellite Imagery", "arXiv",
         2022, 13, {sat_paper.url, sat_code.url}},
        {vision, "Scale-MAE", "Scale-MAE: A Scale-Aware Masked Autoencoder for Multiscale Geospatial Learning", "ICCV",
         2023, 14, {scale_paper.url, scale_code.url}},
        {language, "GeoChat", "GeoChat: Grounded Large Vision-Language Model for Remote Sensing", "CVPR", 2024, 20,
         {geo_paper.url, geo_code.url, geo_project.url}},
        {language, "Prithvi", "Prithvi — Foundation Models & Benchmarks for Earth Observation (ünïcode)", "NeurIPS", 2023,
         21, {pri_paper.url}},
        {language, "-", "Untitled entry without links", "-", 0, 22, {}},
    };
    now.findings = {
        {"stale_venue", "warning", "listed as arXiv 2022, published as NeurIPS 2022", 13, sat_paper.url, "SatMAE",
         "journal_ref: NeurIPS 2022, see https://arxiv.org/abs/2207.08051"},
        {"archived_repo", "warning", "repository mbzuai-oryx/GeoChat is archived", 20, geo_code.url, "GeoChat", ""},
        {"placeholder", "information", "placeholder \"-\" where a venue belongs", 22, "", "Untitled entry without links", ""},
    };
    now.hosts = {{"github.com", 5, 2, 0, std::chrono::milliseconds(840), 3, 0},
                 {"arxiv.org", 2, 1, 0, std::chrono::milliseconds(1210), 2, 0}};
    now.runs = {{"2026-11-23T02:00:00Z", 9, 0, 0, 1, 0, 0}, {"2026-11-24T02:00:00Z", 9, 0, 1, 0, 0, 0},
                {"2026-11-25T02:00:00Z", 8, 0, 1, 0, 1, 0}, {"2026-11-26T02:00:00Z", 7, 0, 1, 1, 1, 0},
                {"2026-11-27T02:00:00Z", 5, 1, 2, 1, 1, 0}};

    // The night before: everything that changed tonight was still fine, and one entry
    // has since been removed while GeoChat's project page is new.
    old_s.targets = {rsp_paper, rsp_code, sat_paper, sat_code, target(scale_paper.url, Verdict::ok, "paper", "Scale-MAE", vision, 14),
                     target(scale_code.url, Verdict::ok, "code", "Scale-MAE", vision, 14),
                     target(geo_paper.url, Verdict::ok, "paper", "GeoChat", language, 20), geo_code, pri_paper};
    old_s.targets[3].consecutive_failures = 2;
    old_s.targets[8].consecutive_failures = 1;
    old_s.targets[8].confirmed = false;
    old_s.entries = {now.entries[0], now.entries[1], now.entries[2], now.entries[3], now.entries[5],
                     {language, "EarthGPT", "EarthGPT: A Universal MLLM for Remote Sensing", "TGRS", 2024, 23,
                      {"https://earthgpt.example.org/"}}};
    f.diff = diff_snapshots(&old_s, now, DiffPolicy{2, 20, 50});
    return f;
}

}  // namespace ah::testing
