// Loopback HTTP/1.1 server with per-path latency and per-host concurrency limits, for the
// checking benchmark (bench/check_bench.sh); also writes the benchmark's list and its ideal bound.
//
// Each "host" is one loopback address (127.0.0.2, 127.0.0.3, ...) on one port, so every
// tool reaches it through plain URLs, without proxies or URL rewriting. What a path gets is
// a pure function of the path (plan_for), so the list generator and the server agree
// without sharing state: the generator picks paths until the scenario's counts are exact.
//
// Usage:
//   ah_bench_latency_server --write-list FILE --port PORT [--hosts 50] [--links 2000]
//       writes the list and prints the scenario (counts, ideal bound) as JSON on stdout.
//   ah_bench_latency_server --port PORT [--hosts 50] [--stats FILE] [--max-seconds 600]
//       serves until SIGTERM/SIGINT or the lifetime ends, then writes the counters as JSON
//       to FILE (or stdout). Prints "ready PORT" on stdout once every address listens.
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using namespace std::chrono_literals;

// The scenario of the issue: 2,000 links over 50 hosts, latency 50-200 ms, 2% slow at 2 s,
// 1% 404, 8 concurrent requests per host and 429 (Retry-After: 1) beyond.
constexpr int default_hosts = 50;
constexpr int default_links = 2000;
constexpr int host_concurrency = 8;
constexpr int retry_after_seconds = 1;
constexpr int per_mille_not_found = 10;  // 1%
constexpr int per_mille_slow = 20;       // 2%
constexpr auto slow_latency = 2000ms;
constexpr int min_latency_ms = 50;
constexpr int max_latency_ms = 200;
// Bounds that keep a stray client from keeping the server busy or growing it.
constexpr int max_hosts = 200;           // 127.0.0.2 .. 127.0.0.201
constexpr int max_links = 1'000'000;
constexpr int default_max_seconds = 600;
constexpr int max_connections = 8192;
constexpr auto idle_timeout = 30s;
constexpr std::uint32_t header_limit = 16 * 1024;
constexpr std::uint64_t body_limit = 64 * 1024;

// What a path gets: status and latency.
struct PathPlan {
    unsigned status = 200;
    std::chrono::milliseconds latency{0};
};

std::uint64_t hash_path(std::string_view path) {
    std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then a splitmix finaliser for the low bits
    for (unsigned char c : path) h = (h ^ c) * 0x100000001b3ULL;
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

PathPlan plan_for(std::string_view path) {
    const std::uint64_t h = hash_path(path);
    const auto latency = std::chrono::milliseconds(min_latency_ms + static_cast<int>((h >> 20) % (max_latency_ms - min_latency_ms + 1)));
    const int bucket = static_cast<int>(h % 1000);
    if (bucket < per_mille_not_found) return {404, latency};
    if (bucket < per_mille_not_found + per_mille_slow) return {200, slow_latency};
    return {200, latency};
}

std::string host_address(int index) { return "127.0.0." + std::to_string(2 + index); }

// ---------------------------------------------------------------------------------------
// The list and its ideal bound.

struct Link {
    int host = 0;
    std::string path;
    PathPlan plan;
};

// Picks `count` unique paths, link i on host i % hosts, with exactly 1% 404 and 2% slow:
// candidates whose class is already full are skipped (bounded: the classes are common).
std::vector<Link> scenario_links(int hosts, int count) {
    const int want_not_found = count * per_mille_not_found / 1000;
    const int want_slow = count * per_mille_slow / 1000;
    const int want_normal = count - want_not_found - want_slow;
    int not_found = 0, slow = 0, normal = 0;
    std::vector<Link> links;
    links.reserve(static_cast<std::size_t>(count));
    long candidate = 0;
    const long max_candidates = 1000L * count + 100000;
    for (int i = 0; i < count && candidate < max_candidates;) {
        const char* kind = i % 2 == 0 ? "/abs/" : "/repo/";
        std::string path = kind + std::to_string(candidate++);
        const PathPlan plan = plan_for(path);
        int& have = plan.status == 404 ? not_found : plan.latency == slow_latency ? slow : normal;
        const int want = plan.status == 404 ? want_not_found : plan.latency == slow_latency ? want_slow : want_normal;
        if (have >= want) continue;
        ++have;
        links.push_back({i % hosts, std::move(path), plan});
        ++i;
    }
    return links;
}

// One host's requests started in list order (FIFO, what a checker with a per-host queue
// does) with `concurrency` at once and at least `interval` between starts.
struct FifoSchedule {
    double makespan = 0;           // seconds until the last answer
    double last_slow_start = -1;   // when the last 2 s request starts (-1: none)
    int last_slow_position = -1;   // its 1-based position in the host's queue
};

FifoSchedule fifo_schedule(const std::vector<std::chrono::milliseconds>& latencies, int concurrency,
                           std::chrono::milliseconds interval) {
    std::vector<double> slots(static_cast<std::size_t>(concurrency), 0.0);  // when each slot frees
    double last_start = -1e9;
    FifoSchedule out;
    for (std::size_t i = 0; i < latencies.size(); ++i) {
        auto slot = std::min_element(slots.begin(), slots.end());
        const double start = std::max(*slot, last_start + static_cast<double>(interval.count()) / 1000);
        last_start = start;
        *slot = start + static_cast<double>(latencies[i].count()) / 1000;
        out.makespan = std::max(out.makespan, *slot);
        if (latencies[i] == slow_latency) {
            out.last_slow_start = start;
            out.last_slow_position = static_cast<int>(i) + 1;
        }
    }
    return out;
}

int write_list(const std::string& file, int port, int hosts, int count) {
    const auto links = scenario_links(hosts, count);
    if (static_cast<int>(links.size()) != count) {
        std::fprintf(stderr, "latency_server: could not pick %d paths\n", count);
        return 1;
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    if (!out) {
        std::fprintf(stderr, "latency_server: cannot write %s\n", file.c_str());
        return 1;
    }
    auto url = [&](const Link& l) { return "http://" + host_address(l.host) + ":" + std::to_string(port) + l.path; };
    static constexpr std::array<const char*, 6> venues = {"CVPR2023", "ICCV2023", "NeurIPS2022", "TGRS2024",
                                                          "arXiv2024", "ECCV2022 workshop"};
    constexpr int rows_per_section = 100;
    out << "# Awesome Benchmark Models\n\nA generated list for bench/check_bench.sh: " << count << " links over "
        << hosts << " loopback hosts.\n";
    for (std::size_t i = 0; i + 1 < links.size(); i += 2) {
        const std::size_t row = i / 2;
        if (row % rows_per_section == 0) {
            out << "\n## Section " << row / rows_per_section + 1
                << "\n\n|Abbreviation|Title|Publication|Paper|Code & Weights|\n|:---:|---|:---:|:---:|:---:|\n";
        }
        out << "|**M" << row << "**|**Model " << row << ": Learning Representations at Scale**|"
            << venues[row % venues.size()] << "|[Paper](" << url(links[i]) << ")|[link](" << url(links[i + 1])
            << ")|\n";
    }
    if (links.size() % 2 == 1) out << "\nAlso: [extra](" << url(links.back()) << ")\n";
    out.close();
    if (!out) {
        std::fprintf(stderr, "latency_server: writing %s failed\n", file.c_str());
        return 1;
    }

    // Ideal bound (from the issue): per host, the sum of its latencies over its concurrency;
    // the max over hosts, and never less than the slowest single request.
    std::vector<std::vector<std::chrono::milliseconds>> per_host(static_cast<std::size_t>(hosts));
    int not_found = 0, slow = 0;
    std::chrono::milliseconds slowest{0};
    for (const auto& l : links) {
        per_host[static_cast<std::size_t>(l.host)].push_back(l.plan.latency);
        not_found += l.plan.status == 404;
        slow += l.plan.latency == slow_latency;
        slowest = std::max(slowest, l.plan.latency);
    }
    double busiest = 0, fifo_50 = 0;
    FifoSchedule fifo_0;
    int busiest_host = 0, fifo_0_host = 0;
    for (int h = 0; h < hosts; ++h) {
        const auto& lat = per_host[static_cast<std::size_t>(h)];
        double sum = 0;
        for (const auto x : lat) sum += static_cast<double>(x.count()) / 1000;
        if (sum / host_concurrency > busiest) {
            busiest = sum / host_concurrency;
            busiest_host = h;
        }
        if (const auto f = fifo_schedule(lat, host_concurrency, 0ms); f.makespan > fifo_0.makespan) {
            fifo_0 = f;
            fifo_0_host = h;
        }
        fifo_50 = std::max(fifo_50, fifo_schedule(lat, host_concurrency, 50ms).makespan);
    }
    const double ideal = std::max(busiest, static_cast<double>(slowest.count()) / 1000);
    std::printf(
        "{\"links\": %zu, \"hosts\": %d, \"per_host_concurrency\": %d, \"not_found\": %d, \"slow\": %d,\n"
        " \"busiest_host\": \"%s\", \"busiest_host_work_s\": %.3f, \"slowest_request_s\": %.3f,\n"
        " \"ideal_bound_s\": %.3f,\n"
        " \"fifo_schedule_s\": {\"min_interval_0ms\": %.3f, \"min_interval_50ms\": %.3f},\n"
        " \"fifo_worst_host\": {\"host\": \"%s\", \"links\": %zu, \"last_slow_position\": %d,"
        " \"last_slow_start_s\": %.3f}}\n",
        links.size(), hosts, host_concurrency, not_found, slow, host_address(busiest_host).c_str(), busiest,
        static_cast<double>(slowest.count()) / 1000, ideal, fifo_0.makespan, fifo_50,
        host_address(fifo_0_host).c_str(), per_host[static_cast<std::size_t>(fifo_0_host)].size(),
        fifo_0.last_slow_position, fifo_0.last_slow_start);
    return 0;
}

// ---------------------------------------------------------------------------------------
// The server.

struct HostCounters {
    std::string address;
    std::uint64_t requests = 0;
    std::uint64_t head = 0;
    std::uint64_t get = 0;
    std::uint64_t other = 0;
    std::uint64_t status_404 = 0;
    std::uint64_t status_429 = 0;
    std::uint64_t connections = 0;
    int active = 0;  // requests being served (not rejected ones)
    int peak = 0;
};

struct Server {
    std::vector<HostCounters> hosts;
    int connections_open = 0;
    std::uint64_t connections_refused = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point first_request{}, last_response{};
    // Wall-clock twins, so the driver can tell a tool's start-up and wind-down from its checking.
    std::chrono::system_clock::time_point first_request_wall{}, last_response_wall{};
    bool any_request = false;
};

std::string stats_json(const Server& s) {
    HostCounters total;
    int peak_max = 0;
    for (const auto& h : s.hosts) {
        total.requests += h.requests;
        total.head += h.head;
        total.get += h.get;
        total.other += h.other;
        total.status_404 += h.status_404;
        total.status_429 += h.status_429;
        total.connections += h.connections;
        peak_max = std::max(peak_max, h.peak);
    }
    const double busy = s.any_request ? std::chrono::duration<double>(s.last_response - s.first_request).count() : 0;
    const auto unix_seconds = [](std::chrono::system_clock::time_point t) {
        return std::chrono::duration<double>(t.time_since_epoch()).count();
    };
    std::string out;
    char line[768];
    std::snprintf(line, sizeof line,
                  "{\"total\": {\"requests\": %llu, \"head\": %llu, \"get\": %llu, \"other\": %llu, "
                  "\"status_404\": %llu, \"status_429\": %llu, \"connections\": %llu, \"peak_concurrency_max\": %d, "
                  "\"connections_refused\": %llu, \"first_request_to_last_response_s\": %.3f, "
                  "\"first_request_unix\": %.3f, \"last_response_unix\": %.3f},\n \"hosts\": [\n",
                  static_cast<unsigned long long>(total.requests), static_cast<unsigned long long>(total.head),
                  static_cast<unsigned long long>(total.get), static_cast<unsigned long long>(total.other),
                  static_cast<unsigned long long>(total.status_404), static_cast<unsigned long long>(total.status_429),
                  static_cast<unsigned long long>(total.connections), peak_max,
                  static_cast<unsigned long long>(s.connections_refused), busy,
                  s.any_request ? unix_seconds(s.first_request_wall) : 0.0,
                  s.any_request ? unix_seconds(s.last_response_wall) : 0.0);
    out += line;
    for (std::size_t i = 0; i < s.hosts.size(); ++i) {
        const auto& h = s.hosts[i];
        std::snprintf(line, sizeof line,
                      "  {\"host\": \"%s\", \"requests\": %llu, \"peak_concurrency\": %d, \"status_429\": %llu, "
                      "\"status_404\": %llu, \"connections\": %llu}%s\n",
                      h.address.c_str(), static_cast<unsigned long long>(h.requests), h.peak,
                      static_cast<unsigned long long>(h.status_429), static_cast<unsigned long long>(h.status_404),
                      static_cast<unsigned long long>(h.connections), i + 1 < s.hosts.size() ? "," : "");
        out += line;
    }
    out += " ]}\n";
    return out;
}

http::response<http::string_body> make_response(const http::request<http::string_body>& req, unsigned status,
                                                std::string body) {
    http::response<http::string_body> res{static_cast<http::status>(status), req.version()};
    res.set(http::field::server, "ah-bench-latency");
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.keep_alive(req.keep_alive());
    if (status == 429) res.set(http::field::retry_after, std::to_string(retry_after_seconds));
    res.body() = std::move(body);
    res.prepare_payload();
    // HEAD: same headers as GET (Content-Length of the GET body), no body on the wire.
    return res;
}

awaitable<void> serve(Server& server, HostCounters& host, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    ++host.connections;
    ++server.connections_open;
    try {
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(header_limit);
            parser.body_limit(body_limit);
            stream.expires_after(idle_timeout);
            co_await http::async_read(stream, buffer, parser, use_awaitable);
            const auto& req = parser.get();
            const auto now = std::chrono::steady_clock::now();
            if (!server.any_request) {
                server.first_request = now;
                server.first_request_wall = std::chrono::system_clock::now();
            }
            server.any_request = true;
            ++host.requests;
            const bool is_head = req.method() == http::verb::head;
            if (is_head) ++host.head;
            else if (req.method() == http::verb::get) ++host.get;
            else ++host.other;

            http::response<http::string_body> res;
            if (host.active >= host_concurrency) {
                ++host.status_429;
                res = make_response(req, 429, "<html><body>Too many requests</body></html>\n");
            } else {
                ++host.active;
                host.peak = std::max(host.peak, host.active);
                const std::string_view target(req.target().data(), req.target().size());
                const PathPlan plan = plan_for(target.substr(0, target.find('?')));
                asio::steady_timer timer(stream.get_executor(), plan.latency);
                co_await timer.async_wait(use_awaitable);
                // The slot frees before the answer goes out: a client that starts its next
                // request only after reading this one can never be seen above the limit.
                --host.active;
                if (plan.status == 404) ++host.status_404;
                res = make_response(req, plan.status,
                                    plan.status == 404 ? "<html><body>Not found</body></html>\n"
                                                       : "<html><head><title>Paper</title></head><body>"
                                                         "<p>A page of the benchmark.</p></body></html>\n");
            }
            if (is_head) {
                http::response<http::empty_body> head{res.result(), res.version()};
                for (const auto& field : res.base()) head.set(field.name_string(), field.value());
                head.keep_alive(res.keep_alive());
                stream.expires_after(idle_timeout);
                co_await http::async_write(stream, head, use_awaitable);
            } else {
                stream.expires_after(idle_timeout);
                co_await http::async_write(stream, res, use_awaitable);
            }
            server.last_response = std::chrono::steady_clock::now();
            server.last_response_wall = std::chrono::system_clock::now();
            if (!res.keep_alive()) break;
        }
    } catch (const std::exception&) {
        // Peer closed, idle timeout or a malformed request: the connection ends, the server goes on.
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    --server.connections_open;
}

awaitable<void> accept_loop(Server& server, HostCounters& host, tcp::acceptor& acceptor) {
    for (;;) {
        tcp::socket socket = co_await acceptor.async_accept(use_awaitable);
        if (server.connections_open >= max_connections) {
            ++server.connections_refused;
            continue;  // the socket closes here
        }
        asio::co_spawn(acceptor.get_executor(), serve(server, host, std::move(socket)), asio::detached);
    }
}

int run_server(int port, int hosts, const std::string& stats_file, int max_seconds) {
    asio::io_context io(1);
    Server server;
    server.hosts.resize(static_cast<std::size_t>(hosts));
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    for (int i = 0; i < hosts; ++i) {
        auto& counters = server.hosts[static_cast<std::size_t>(i)];
        counters.address = host_address(i);
        const auto address = asio::ip::make_address_v4(counters.address);
        if (!address.is_loopback()) return 2;  // never anything else than 127.0.0.0/8
        try {
            auto acceptor = std::make_unique<tcp::acceptor>(io);
            const tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
            acceptor->open(endpoint.protocol());
            acceptor->set_option(tcp::acceptor::reuse_address(true));
            acceptor->bind(endpoint);
            acceptor->listen(1024);
            acceptors.push_back(std::move(acceptor));
        } catch (const std::exception& e) {
            std::fprintf(stderr, "latency_server: cannot listen on %s:%d: %s\n", counters.address.c_str(), port,
                         e.what());
            return 1;
        }
    }
    for (int i = 0; i < hosts; ++i)
        asio::co_spawn(io, accept_loop(server, server.hosts[static_cast<std::size_t>(i)], *acceptors[static_cast<std::size_t>(i)]),
                       asio::detached);

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
    asio::steady_timer lifetime(io, std::chrono::seconds(max_seconds));
    lifetime.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        std::fprintf(stderr, "latency_server: lifetime of %d s over, stopping\n", max_seconds);
        io.stop();
    });

    std::printf("ready %d\n", port);
    std::fflush(stdout);
    io.run();

    const std::string json = stats_json(server);
    if (stats_file.empty()) {
        std::fwrite(json.data(), 1, json.size(), stdout);
    } else {
        std::ofstream out(stats_file, std::ios::binary | std::ios::trunc);
        out << json;
        if (!out) {
            std::fprintf(stderr, "latency_server: cannot write %s\n", stats_file.c_str());
            return 1;
        }
    }
    return 0;
}

bool parse_int(const char* text, int low, int high, int& out) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (end == text || *end != '\0' || v < low || v > high) return false;
    out = static_cast<int>(v);
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    int port = -1, hosts = default_hosts, links = default_links, max_seconds = default_max_seconds;
    std::string list_file, stats_file;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        bool ok = value != nullptr;
        if (arg == "--port") ok = ok && parse_int(value, 1, 65535, port);
        else if (arg == "--hosts") ok = ok && parse_int(value, 1, max_hosts, hosts);
        else if (arg == "--links") ok = ok && parse_int(value, 1, max_links, links);
        else if (arg == "--max-seconds") ok = ok && parse_int(value, 1, 24 * 3600, max_seconds);
        else if (arg == "--write-list" && ok) list_file = value;
        else if (arg == "--stats" && ok) stats_file = value;
        else ok = false;
        if (!ok) {
            std::fprintf(stderr,
                         "usage: %s --port PORT [--hosts N] [--write-list FILE [--links N]]"
                         " [--stats FILE] [--max-seconds S]\n",
                         argv[0]);
            return 2;
        }
        ++i;
    }
    if (port < 0) {
        std::fprintf(stderr, "latency_server: --port is required\n");
        return 2;
    }
    if (!list_file.empty()) return write_list(list_file, port, hosts, links);
    return run_server(port, hosts, stats_file, max_seconds);
}
