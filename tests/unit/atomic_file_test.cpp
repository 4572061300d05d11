// write_file_atomically under kill -9: the file is always one complete version, never torn
// or missing; a leftover temporary file never hides the real one.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <thread>

#include "ah/atomic_file.h"
#include "ah/snapshot.h"
#include "support/run_process.h"

using ah::testing::read_file;
using ah::testing::TempDir;

TEST_CASE("kill -9 while replacing a file never leaves it torn or missing", "[atomic]") {
    TempDir dir;
    const std::string path = dir.file("health.json");
    // Two large, distinct, complete versions.
    const std::string a = "{\"version\": \"a\", \"pad\": \"" + std::string(2u << 20, 'a') + "\"}\n";
    const std::string b = "{\"version\": \"b\", \"pad\": \"" + std::string(2u << 20, 'b') + "\"}\n";
    REQUIRE(ah::write_file_atomically(path, a).ok());
    std::mt19937 rng(12345);
    std::uniform_int_distribution<int> delay_us(0, 40000);
    for (int round = 0; round < 8; ++round) {
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            // Replace the file over and over until killed (bounded: at most 2 s of work).
            const auto stop = std::chrono::steady_clock::now() + std::chrono::seconds(2);
            for (int i = 0; std::chrono::steady_clock::now() < stop; ++i)
                (void)ah::write_file_atomically(path, i % 2 ? a : b);
            ::_exit(0);
        }
        std::this_thread::sleep_for(std::chrono::microseconds(delay_us(rng)));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        const std::string now = read_file(path);
        INFO("round " << round << ", size " << now.size());
        CHECK((now == a || now == b));
    }
    // Leftover temporary files (from the killed writers) sit beside it and change nothing.
    std::size_t leftovers = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        leftovers += entry.path().filename().string().rfind(".health.json.tmp-", 0) == 0;
    INFO(leftovers << " leftover temporary files");
    const std::string final_content = read_file(path);
    CHECK((final_content == a || final_content == b));
}

TEST_CASE("a crash between write and rename leaves the old snapshot readable", "[atomic]") {
    TempDir dir;
    ah::Snapshot s;
    s.generated_at = "2026-11-26T02:00:00Z";
    const std::string json = ah::snapshot_to_json(s);
    REQUIRE(ah::write_file_atomically(dir.file("health.json"), json).ok());
    // What a writer killed after writing but before renaming leaves behind.
    dir.write(".health.json.tmp-AbC123", "{\"schema_version\": 1, \"targets\": [ {\"url\": \"trunc");
    const auto loaded = ah::load_snapshot(dir.file("health.json"));
    REQUIRE(loaded.ok());
    CHECK(loaded->generated_at == "2026-11-26T02:00:00Z");
}

TEST_CASE("a set of files is replaced all together or not at all", "[atomic]") {
    TempDir dir;
    dir.write("r/a.json", "old a");
    dir.write("r/b.html", "old b");
    dir.write("blocker", "a file where a directory should be");
    SECTION("a file that cannot be written leaves every target as it was, and no temporary file") {
        {
            ah::AtomicFileSet set;
            REQUIRE(set.stage(dir.file("r/a.json"), "new a").ok());
            REQUIRE(set.stage(dir.file("r/b.html"), "new b").ok());
            const auto failed = set.stage(dir.file("blocker/c.md"), "new c");
            REQUIRE(!failed.ok());
            CHECK(failed.error().to_string().find("blocker") != std::string::npos);
        }  // dropped without commit
        CHECK(read_file(dir.file("r/a.json")) == "old a");
        CHECK(read_file(dir.file("r/b.html")) == "old b");
        std::size_t files = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir.file("r"))) {
            INFO(e.path());
            ++files;
        }
        CHECK(files == 2);
    }
    SECTION("committed, every file is the new one") {
        ah::AtomicFileSet set;
        REQUIRE(set.stage(dir.file("r/a.json"), "new a").ok());
        REQUIRE(set.stage(dir.file("r/b.html"), "new b").ok());
        CHECK(read_file(dir.file("r/a.json")) == "old a");  // nothing replaced before commit
        REQUIRE(set.commit().ok());
        CHECK(read_file(dir.file("r/a.json")) == "new a");
        CHECK(read_file(dir.file("r/b.html")) == "new b");
    }
}

TEST_CASE("a streamed write that fails half way leaves the old file and no temp file", "[atomic]") {
    TempDir dir;
    const std::string path = dir.file("health.json");
    const std::string old_content = "{\"version\": \"old\"}\n";
    REQUIRE(ah::write_file_atomically(path, old_content).ok());
    // In a child, so the file size limit (the write fails with EFBIG past 1 MiB) stays there.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        ::signal(SIGXFSZ, SIG_IGN);
        rlimit limit{1u << 20, 1u << 20};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::size_t produced = 0;
        const auto status = ah::write_file_atomically(path, [&](ah::TextSink& out) {
            const std::string piece(1000, 'x');
            for (int i = 0; i < 4000; ++i, produced += piece.size()) out.write(piece);
        });
        const bool message_names_file =
            !status.ok() && status.error().where.file == path && status.error().message.find("cannot write") == 0;
        ::_exit(!status.ok() && message_names_file && produced == 4000000 ? 0 : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK(read_file(path) == old_content);
    std::size_t leftovers = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        leftovers += entry.path().filename().string() != "health.json";
    CHECK(leftovers == 0);
}

TEST_CASE("a streamed write gives the same bytes as the string", "[atomic]") {
    TempDir dir;
    std::string expected;
    for (int i = 0; i < 20000; ++i) expected += std::to_string(i) + (i % 7 ? "," : "\n");
    REQUIRE(ah::write_file_atomically(dir.file("a.txt"), [&](ah::TextSink& out) {
        // Pieces smaller and larger than the file buffer.
        for (std::size_t at = 0, n = 1; at < expected.size(); at += n, n = n * 3 % 200003 + 1)
            out.write(std::string_view(expected).substr(at, n));
    }).ok());
    CHECK(read_file(dir.file("a.txt")) == expected);
}
