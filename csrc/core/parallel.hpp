// SPDX-License-Identifier: Apache-2.0
// Run a body over [0, n) in chunks on up to `threads` std::threads created for this call only.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace ngramkit {

// Thrown out of parallel_chunks when the `interrupted` hook asked to stop.
struct Interrupted : std::exception {
    const char* what() const noexcept override { return "interrupted"; }
};

namespace detail {

// Runs work(is_caller) on the calling thread and on up to workers - 1 new threads (fewer if the OS
// refuses one). The first exception any of them throws sets `stop` (which the work loops poll) and
// is rethrown once every thread has joined.
template <class Work>
void run_on_threads(std::size_t workers, std::atomic<bool>& stop, Work work) {
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&](bool is_caller) {
        try {
            work(is_caller);
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            stop = true;
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(workers > 0 ? workers - 1 : 0);
    for (std::size_t t = 1; t < workers; ++t) {
        try {
            pool.emplace_back(run, false);
        } catch (const std::system_error&) {
            break;  // the threads we have do all the work
        }
    }
    run(true);
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace detail

// A chunk size for n items on `threads` threads: at most `max_chunk`, and small enough that each
// thread gets several chunks, so that handing them out as threads come free evens out a few long
// items (a batch of long documents holds only a few chunks of the largest size).
inline std::size_t balanced_chunk(std::size_t n, int threads, std::size_t max_chunk) {
    const std::size_t per = 8 * static_cast<std::size_t>(std::max(threads, 1));
    return std::max<std::size_t>(1, std::min(max_chunk, n / per));
}

// make_state() builds one per-thread state (workspaces); body(state, begin, end) handles a chunk.
// Chunks are handed out dynamically, so results must only depend on the index, never on which
// thread ran it. The first exception thrown by any worker is rethrown here after all joined.
// `interrupted`, if set, is polled by the calling thread between its chunks (the bindings check
// for Ctrl-C there); when it returns true, every worker stops and Interrupted is thrown.
template <class MakeState, class Body>
void parallel_chunks(std::size_t n, int threads, std::size_t chunk, MakeState make_state, Body body,
                     const std::function<bool()>& interrupted = {}) {
    if (n == 0) return;
    chunk = std::max<std::size_t>(chunk, 1);
    const std::size_t n_chunks = (n + chunk - 1) / chunk;
    const std::size_t workers =
        std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)), n_chunks);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    detail::run_on_threads(workers, failed, [&](bool is_caller) {
        auto state = make_state();
        while (!failed.load(std::memory_order_relaxed)) {
            const std::size_t c = next.fetch_add(1);
            if (c >= n_chunks) break;
            const std::size_t begin = c * chunk;
            body(state, begin, std::min(n, begin + chunk));
            if (is_caller && interrupted && interrupted()) throw Interrupted();
        }
    });
}

// Chunks 0..n_chunks-1 that must be produced (produce(c): e.g. converted from Python objects)
// before they are consumed (consume(state, c): scored), on up to `threads` threads, so that the
// production of some chunks overlaps the consumption of others. The calling thread only produces
// (in chunk order) until every chunk is produced, then calls produced_all() (which may release a
// lock the producers needed, such as Python's GIL) and consumes too. The other threads consume the
// next chunk when it is produced, else produce one. produce() returns false to give up: then
// produce_consume returns false once every thread has stopped (produced_all() never runs). The
// first exception of any thread is rethrown after all joined; `interrupted` is polled by the
// calling thread between its chunks (true throws Interrupted).
template <class MakeState, class Produce, class Consume, class ProducedAll>
bool produce_consume(std::size_t n_chunks, int threads, MakeState make_state, Produce produce, Consume consume,
                     ProducedAll produced_all, const std::function<bool()>& interrupted = {}) {
    std::vector<std::atomic<bool>> ready(n_chunks);
    for (auto& r : ready) r.store(false, std::memory_order_relaxed);
    std::atomic<std::size_t> next_produce{0}, next_consume{0}, produced{0};
    std::atomic<bool> stop{false}, declined{false};
    auto produce_next = [&]() -> bool {  // false when nothing is left to produce
        const std::size_t c = next_produce.fetch_add(1);
        if (c >= n_chunks) return false;
        if (!produce(c)) {
            declined = true;
            stop = true;
            return true;
        }
        ready[c].store(true, std::memory_order_release);
        produced.fetch_add(1);
        return true;
    };
    auto consume_next = [&](auto& state) -> bool {  // false when the next chunk is not produced yet
        std::size_t c = next_consume.load();
        if (c >= n_chunks || !ready[c].load(std::memory_order_acquire)) return false;
        if (!next_consume.compare_exchange_strong(c, c + 1)) return true;  // another thread took it: look again
        consume(state, c);
        return true;
    };
    auto poll = [&](bool is_caller) {
        if (is_caller && interrupted && interrupted()) throw Interrupted();
    };
    const std::size_t workers = std::min<std::size_t>(static_cast<std::size_t>(std::max(threads, 1)),
                                                      std::max<std::size_t>(n_chunks, 1));
    detail::run_on_threads(workers, stop, [&](bool is_caller) {
        auto state = make_state();
        if (is_caller) {
            while (!stop.load(std::memory_order_relaxed) && produce_next()) poll(true);
            while (!stop.load(std::memory_order_relaxed) && produced.load() < n_chunks)
                if (!consume_next(state)) std::this_thread::yield();  // others still produce
            if (stop) return;
            produced_all();
        }
        while (!stop.load(std::memory_order_relaxed) && next_consume.load() < n_chunks) {
            if (consume_next(state)) {
                poll(is_caller);
            } else if (is_caller || !produce_next()) {
                std::this_thread::yield();  // the next chunk is being produced
            }
        }
    });
    return !declined;
}

}  // namespace ngramkit
