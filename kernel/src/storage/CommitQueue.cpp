#include "storage/CommitQueue.h"

#include "log/Log.h"
#include "metrics/Metrics.h"
#include "storage/Database.h"
#include "storage/PreparedSession.h"

#include <stdexcept>

namespace bourse {

CommitQueue::CommitQueue(Database& db, Metrics& metrics, std::size_t maxBatch)
    : _db(db),
      _batchSeconds(
          metrics.histogram("bourse_db_commit_batch_seconds", "Time to run and commit one group-commit batch")),
      _commits(metrics.counter("bourse_db_group_commits_total", "Group commits (one database commit each)")),
      _maxBatch(maxBatch),
      _worker([this] { work(); }) {}

CommitQueue::~CommitQueue() {
    stop();
}

void CommitQueue::stop() {
    {
        std::lock_guard lock(_mutex);
        if (_stopping) return;
        _stopping = true;
    }
    _wake.notify_all();
    if (_worker.joinable()) _worker.join();
}

void CommitQueue::run(Op op) {
    submit(std::move(op)).get();
}

std::future<void> CommitQueue::submit(Op op) {
    std::future<void> done;
    {
        std::lock_guard lock(_mutex);
        if (_stopping) throw std::runtime_error("commit queue stopped");
        _queue.push_back(Pending{std::move(op), {}});
        done = _queue.back().done.get_future();
    }
    _wake.notify_one();
    return done;
}

void CommitQueue::work() {
    while (true) {
        std::deque<Pending> batch;
        {
            std::unique_lock lock(_mutex);
            _wake.wait(lock, [&] { return _stopping || !_queue.empty(); });
            if (_queue.empty() && _stopping) return;
            while (!_queue.empty() && batch.size() < _maxBatch) {
                batch.push_back(std::move(_queue.front()));
                _queue.pop_front();
            }
        }
        commitBatch(batch);
    }
}

void CommitQueue::runInTransaction(const std::function<void(PreparedSession&)>& body) {
    if (!_writer) _writer = _db.openPreparedSession();
    try {
        _writer->begin();
        body(*_writer);
        _writer->commit();
    } catch (...) {
        _writer->rollback();
        // A statement interrupted by the error cannot be re-executed, and the
        // connection itself may be gone: start the next transaction afresh.
        _writer.reset();
        throw;
    }
}

void CommitQueue::commitBatch(std::deque<Pending>& batch) {
    const auto started = std::chrono::steady_clock::now();
    try {
        runInTransaction([&](PreparedSession& w) {
            for (auto& p : batch)
                p.op(w);
        });
        _commits.inc();
        for (auto& p : batch)
            p.done.set_value();
    } catch (...) {
        if (batch.size() == 1) {
            batch.front().done.set_exception(std::current_exception());
            return;
        }
        // Isolate the failure: every op again, each in its own transaction.
        for (auto& p : batch) {
            try {
                runInTransaction(p.op);
                _commits.inc();
                p.done.set_value();
            } catch (...) {
                p.done.set_exception(std::current_exception());
            }
        }
    }
    _batchSeconds.observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace bourse
