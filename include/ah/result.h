// Result<T>: a value or an Error, returned by every stage (g++ 12 has no std::expected).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ah {

// Where an input error was found; line and column are 1-based, 0 when unknown.
struct SourcePosition {
    std::string file;
    int line = 0;
    int column = 0;
};

enum class ErrorKind {
    usage,    // bad command line
    input,    // a file we were given is missing, unreadable or invalid
    config,   // configuration file or values
    network,  // the network as a whole is unavailable
    internal,
};

struct Error {
    ErrorKind kind = ErrorKind::input;
    std::string message;
    SourcePosition where;
    std::string hint;  // optional: what the user can do about it

    // "file:line:column: message" (the parts that are known), then the hint.
    std::string to_string() const;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<T>(state_); }
    const T& value() const& { assert(ok()); return std::get<T>(state_); }
    T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
    const Error& error() const { assert(!ok()); return std::get<Error>(state_); }

    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, Error> state_;
};

// A Result with no value: success, or an Error.
struct Ok {};
using Status = Result<Ok>;

}  // namespace ah
