// HeapOptional<T>: an optional value kept on the heap, one pointer wide when empty. For
// the metadata of a target (GitHub, arXiv, HuggingFace): 100,000 web links carry none of
// it, and std::optional would reserve its full size (about 800 bytes) in every target.
#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace ah {

template <typename T>
class HeapOptional {
public:
    HeapOptional() = default;
    HeapOptional(std::nullopt_t) {}
    HeapOptional(T value) : value_(std::make_unique<T>(std::move(value))) {}
    HeapOptional(const HeapOptional& other) : value_(other ? std::make_unique<T>(*other) : nullptr) {}
    HeapOptional(HeapOptional&&) noexcept = default;
    HeapOptional& operator=(const HeapOptional& other) {
        if (this != &other) value_ = other ? std::make_unique<T>(*other) : nullptr;
        return *this;
    }
    HeapOptional& operator=(HeapOptional&&) noexcept = default;
    HeapOptional& operator=(T value) {
        value_ = std::make_unique<T>(std::move(value));
        return *this;
    }
    HeapOptional& operator=(std::nullopt_t) {
        value_.reset();
        return *this;
    }

    bool has_value() const { return value_ != nullptr; }
    explicit operator bool() const { return has_value(); }
    T& operator*() { return *value_; }
    const T& operator*() const { return *value_; }
    T* operator->() { return value_.get(); }
    const T* operator->() const { return value_.get(); }
    void reset() { value_.reset(); }

private:
    std::unique_ptr<T> value_;
};

}  // namespace ah
