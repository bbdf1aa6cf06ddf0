// SPDX-License-Identifier: Apache-2.0
// Items (e.g. one source's candidate pool) that each need a costly preparation (counting, an
// index) before their rows can be scored, on up to `threads` threads: a thread takes a whole item,
// prepares it in its own state and scores its rows in chunks; a thread with no item left to take
// scores chunks of rows of items other threads have prepared. So a few large items, or one, keep
// every thread busy, and many small items are prepared in parallel.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "core/parallel.hpp"

namespace ngramkit {

namespace detail {

// What one thread has prepared, published for the others. `open` is set (after item, rows and
// next) when the rows may be taken, cleared when the owner is done with them; `helpers` counts the
// other threads reading the owner's state, and the owner reuses its state only when it is 0.
// Both are sequentially consistent: a helper registers, then checks `open`; the owner clears
// `open`, then checks `helpers` — so either the helper sees it closed, or the owner sees the helper.
template <class State>
struct OwnedItem {
    std::atomic<bool> open{false};
    std::atomic<int> helpers{0};
    std::atomic<std::size_t> next{0};  // the first row not yet handed out
    std::size_t item = 0, rows = 0;
    State* state = nullptr;
};

// Registers a helper on an item for its scope (also when the scoring throws).
template <class State>
class HelperGuard {
public:
    explicit HelperGuard(OwnedItem<State>& slot) : slot_(slot) { slot_.helpers.fetch_add(1); }
    ~HelperGuard() { slot_.helpers.fetch_sub(1); }
    HelperGuard(const HelperGuard&) = delete;
    HelperGuard& operator=(const HelperGuard&) = delete;

private:
    OwnedItem<State>& slot_;
};

// Closes an owner's item for its scope's end and waits until no helper reads the owner's state
// any more. When the scope ends by an exception (Ctrl-C, a failed allocation), `stop` is set
// first, so the helpers leave after their current chunk instead of scoring the item's other rows.
template <class State>
class OwnerGuard {
public:
    OwnerGuard(OwnedItem<State>& slot, std::atomic<bool>& stop)
        : slot_(slot), stop_(stop), exceptions_(std::uncaught_exceptions()) {}
    ~OwnerGuard() {
        if (std::uncaught_exceptions() > exceptions_) stop_.store(true);
        slot_.open.store(false);
        while (slot_.helpers.load() != 0) std::this_thread::yield();
    }
    OwnerGuard(const OwnerGuard&) = delete;
    OwnerGuard& operator=(const OwnerGuard&) = delete;

private:
    OwnedItem<State>& slot_;
    std::atomic<bool>& stop_;
    int exceptions_;
};

}  // namespace detail

// make_state() builds one thread's state. prepare(state, item, check) readies the state for the
// item and returns its number of rows (0: nothing to score); a long preparation calls check() now
// and then, which throws when the call is to stop (Ctrl-C on the calling thread, or another
// thread failed). score(owner, self, item, begin, end) scores rows [begin, end) of the item from
// the state `owner` prepared (read only), with `self` the calling thread's own state for scratch
// (the same object when the owner scores). Rows go out in chunks of `chunk`, so results must
// depend only on (item, row), never on the thread. The first exception of any thread is rethrown
// after all joined; `interrupted` is polled by the calling thread between its chunks (true: every
// thread stops and Interrupted is thrown).
template <class MakeState, class Prepare, class Score>
void parallel_shared_items(std::size_t n_items, int threads, std::size_t chunk, MakeState make_state,
                           Prepare prepare, Score score, const std::function<bool()>& interrupted = {}) {
    using State = decltype(make_state());
    using Slot = detail::OwnedItem<State>;
    if (n_items == 0) return;
    chunk = std::max<std::size_t>(chunk, 1);
    const auto workers = static_cast<std::size_t>(std::max(threads, 1));
    const std::unique_ptr<Slot[]> slots(new Slot[workers]);
    std::atomic<std::size_t> next_item{0}, slot_of_thread{0}, items_done{0};
    std::atomic<bool> stop{false};
    auto poll = [&](bool is_caller) {
        if (is_caller && interrupted && interrupted()) throw Interrupted();
    };
    auto check_for = [&](bool is_caller) {
        return [&stop, &poll, is_caller] {
            if (stop.load(std::memory_order_relaxed)) throw Interrupted();  // another thread's error is rethrown
            poll(is_caller);
        };
    };
    detail::run_on_threads(workers, stop, [&](bool is_caller) {
        const std::size_t me = is_caller ? 0 : 1 + slot_of_thread.fetch_add(1);
        State state = make_state();
        Slot& mine = slots[me];
        // Score chunks of the rows an owner published until none is left.
        auto take_rows = [&](Slot& slot, State& owner) {
            while (!stop.load(std::memory_order_relaxed)) {
                const std::size_t begin = slot.next.fetch_add(chunk);
                if (begin >= slot.rows) return;
                score(static_cast<const State&>(owner), state, slot.item, begin, std::min(slot.rows, begin + chunk));
                poll(is_caller);
            }
        };
        while (!stop.load(std::memory_order_relaxed)) {
            const std::size_t item = next_item.fetch_add(1);
            if (item >= n_items) break;
            const std::size_t rows = prepare(state, item, check_for(is_caller));
            if (rows > 0) {
                mine.item = item;
                mine.rows = rows;
                mine.state = &state;
                mine.next.store(0);
                detail::OwnerGuard<State> close(mine, stop);
                mine.open.store(true);
                take_rows(mine, state);
            }
            items_done.fetch_add(1);
            poll(is_caller);
        }
        // No item left to take: help the owners still scoring theirs.
        std::size_t idle = 0;
        while (!stop.load(std::memory_order_relaxed) && items_done.load() < n_items) {
            bool helped = false;
            for (std::size_t t = 0; t < workers; ++t) {
                if (t == me) continue;
                Slot& slot = slots[t];
                detail::HelperGuard<State> reading(slot);
                if (!slot.open.load()) continue;
                if (slot.next.load(std::memory_order_relaxed) >= slot.rows) continue;
                take_rows(slot, *slot.state);
                helped = true;
            }
            if (!helped) {
                std::this_thread::yield();
                if (++idle % 64 == 0) poll(is_caller);
            }
        }
    });
}

}  // namespace ngramkit
