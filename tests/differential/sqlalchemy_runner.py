#!/usr/bin/python3
"""Runs the fuzzer's operations (generator.py) through SQLAlchemy 1.4 and reports
what it sees after each one: the operation's result, then every handle's state, column
members, relationship members and identity key.

Used in-process by run.py (class Runner), or as a program with the same line protocol
as relate_runner: `reset PATH` then one operation per line on stdin, one JSON
observation per line on stdout.

The Session is configured as Relate behaves by design (known_differences.py says
why): expire_on_commit=False, and autoflush as Relate's (lazy-load-flushes-known-changes).
"""

import json
import os
import sys
import warnings

# SQLAlchemy 1.4's warnings about 2.0 (cascade_backrefs, which Relate follows) and about
# objects not cascaded into the Session are expected here.
os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
warnings.filterwarnings("ignore")
# deletes-counted (known_differences.py): a DELETE that matches no row fails the flush,
# as Relate's does; SQLAlchemy only warns.
warnings.filterwarnings("error", message="DELETE statement on table .* expected to delete")

from sqlalchemy import create_engine, event, inspect, select
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload
from sqlalchemy.orm import exc as orm_exc

import known_differences
import sqlalchemy_emulation
import models
from generator import decode
from schema import MODELS

LOADER_OPTIONS = {"lazy": lazyload, "joined": joinedload, "selectin": selectinload}

# SQLAlchemy's exception classes by the name the comparison uses: Relate's class of the
# same meaning (relate/errors.hpp). The most specific class wins.
ERROR_NAMES = [
    (sa_exc.IntegrityError, "IntegrityError"),
    (sa_exc.DataError, "DataError"),
    (sa_exc.OperationalError, "OperationalError"),
    (sa_exc.ProgrammingError, "ProgrammingError"),
    (sa_exc.DatabaseError, "DatabaseError"),
    (sa_exc.PendingRollbackError, "PendingRollbackError"),
    (orm_exc.DetachedInstanceError, "DetachedInstanceError"),
    (orm_exc.ObjectDeletedError, "ObjectDeletedError"),
    (orm_exc.StaleDataError, "StaleDataError"),
    (orm_exc.FlushError, "FlushError"),
    (orm_exc.UnmappedInstanceError, "UnmappedInstanceError"),
    (sa_exc.InvalidRequestError, "InvalidRequestError"),
    (sa_exc.SQLAlchemyError, "SQLAlchemyError"),
]


def error_name(e):
    if isinstance(e, sa_exc.SAWarning) and str(e).startswith("DELETE statement on table"):
        return "StaleDataError"  # deletes-counted
    for cls, name in ERROR_NAMES:
        if isinstance(e, cls):
            return name
    return "python:" + type(e).__name__


def state_name(obj):
    i = inspect(obj)
    for name in ("transient", "pending", "persistent", "deleted", "detached"):
        if getattr(i, name):
            return name
    return "unknown"


class Runner:
    def __init__(self, findings=()):
        # Reported findings whose masks are on (reported_findings.py): some change how
        # an operation is driven here, to look past them.
        self.findings = findings
        self._arrival = {}
        self._arrivals = 0
        self.engine = None
        self.session = None
        self.objects = {}  # handle -> object
        self.handle_of = {}  # id(object) -> handle
        self.emulation = sqlalchemy_emulation.SqlAlchemyEmulation(self)

    # ---- lifecycle ----

    def reset(self, path):
        self.close_all()
        if os.path.exists(path):
            os.remove(path)
        self.engine = create_engine(f"sqlite:///{path}")

        @event.listens_for(self.engine, "connect")
        def _foreign_keys(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA foreign_keys=ON")
            # A harness correction for pysqlite, SQLAlchemy's documented recipe
            # ("Serializable isolation / Savepoints / Transactional DDL"): the driver
            # begins a transaction only before a write, so a SAVEPOINT that comes
            # first begins one of its own and its RELEASE commits (seed 18 of
            # --session-api). The BEGIN is emitted here instead, deferred as the
            # driver's.
            dbapi_connection.isolation_level = None

        @event.listens_for(self.engine, "begin")
        def _begin(connection):
            connection.exec_driver_sql("BEGIN")

        models.Base.metadata.create_all(self.engine)
        known_differences.configure_models(models.Base)
        self.session = Session(self.engine, **known_differences.SQLALCHEMY_SESSION_OPTIONS)
        self.expunged = []  # objects the Session took out (pending -> transient)
        self.arrivals = 0  # objects attached or loaded so far
        self.statements = 0  # statements other than SELECT run so far

        @event.listens_for(self.session, "pending_to_transient")
        def _expunged(_session, instance):
            self.expunged.append(instance)

        @event.listens_for(self.session, "after_attach")
        @event.listens_for(self.session, "loaded_as_persistent")
        def _arrived(_session, instance):
            self.arrivals += 1
            self.emulation._arrived[id(instance)] = self.arrivals

        @event.listens_for(self.engine, "before_cursor_execute")
        def _statement(_conn, _cursor, statement, *_):
            if not statement.lstrip().upper().startswith("SELECT"):
                self.statements += 1
        self.objects = {}
        self.handle_of = {}
        self.emulation = sqlalchemy_emulation.SqlAlchemyEmulation(self)
        self.emulation.install_autoflush()
        self._arrival = {}  # id(object) -> order of arrival among pending objects
        self._arrivals = 0

    def close_all(self):
        if self.session is not None:
            self.session.close()
        if self.engine is not None:
            self.engine.dispose()
        self.session = self.engine = None

    # ---- operations ----

    def _register(self, h, obj):
        self.objects[h] = obj
        self.handle_of[id(obj)] = h

    def _ref(self, obj):
        if obj is None:
            return None
        h = self.handle_of.get(id(obj))
        if h is not None:
            return f"#{h}"
        identity = inspect(obj).identity
        if identity is not None:
            return "@" + type(obj).__name__ + ":" + ",".join(str(v) for v in identity)
        return "?" + type(obj).__name__

    def _rendered(self, value, uselist, holder=None):
        if uselist:
            return sorted((self._ref(o) for o in value), key=str)
        return self._ref(value)

    def execute(self, line):
        """Runs one operation; returns its result (None for plain success)."""
        try:
            return self._execute(line)
        finally:
            self._stable_insert_order()
            self.emulation.hold()

    def _execute(self, line):
        tokens = line.split()
        verb = tokens[0]
        changes = verb in ("new", "link", "unlink", "clear")
        removals = self.emulation.queued_removals() if changes else []
        outside = self.emulation.outside() if verb in ("new", "link", "add") else None
        seen = self.emulation.one_to_one_parents_seen() if changes else {}
        try:
            def run():
                return getattr(self, "op_" + verb)(*tokens[1:])
            for finding in self.findings:  # only with masks on: see reported_findings.py
                around = finding.sqlalchemy_around.get(verb)
                if around:
                    run = (lambda around, inner: lambda: around(self, tokens[1:], inner))(
                        around, run)
            try:
                return run()
            finally:  # also after an error: what the operation changed stays
                if changes:
                    self.emulation.append_after_removal(removals)
                    self.emulation.after_change(seen)
                if outside is not None:
                    subject = self.objects.get(int(tokens[1]))
                    self.emulation.no_cascade_to_taken_out(
                        outside, subject if verb == "add" else None,
                        subject if verb == "link" else None,
                        (tokens[2], self.objects.get(int(tokens[3])))
                        if verb == "link" else None)
        except KeyError as e:
            if isinstance(e.args[0], int):
                return {"err": "nohandle"}
            raise
        except Exception as e:  # the error is the observation
            return {"err": error_name(e), "msg": str(e).split("\n")[0][:300]}

    def _obj(self, h):
        return self.objects[int(h)]

    def _stable_insert_order(self):
        """SQLAlchemy numbers a pending object len(session.new) when it is added, so
        after an expunge two pending objects can share a number, and the flush then
        orders their INSERTs by hash order: keys change from run to run. Numbers are
        made unique here, in order of arrival (what SQLAlchemy means, and Relate does):
        an object that leaves the pending objects and comes back arrives again."""
        if self.session is None:
            return
        pending = {id(o) for o in self.session.new}
        self._arrival = {k: v for k, v in self._arrival.items() if k in pending}
        fresh = sorted((inspect(o) for o in self.session.new
                        if id(o) not in self._arrival), key=lambda s: s.insert_order)
        for state in fresh:
            self._arrival[id(state.obj())] = self._arrivals
            self._arrivals += 1
        for o in self.session.new:
            inspect(o).insert_order = self._arrival[id(o)]

    def op_new(self, h, model, add, *assignments):
        cls = models.MODELS[model]
        obj = cls()
        self.emulation.new_object(obj)
        links = []
        for a in assignments:
            name, value = a.split("=", 1)
            if name.startswith("+"):
                links.append((name[1:], int(value)))
            else:
                setattr(obj, name, decode(value))
        self._register(int(h), obj)
        for rel, target in links:
            if target in self.objects:
                self.emulation.parent_lets_go_outside(obj, rel, self.objects[target])
                old = self.emulation.old_one_to_one_child(obj, rel, self.objects[target])
                setattr(obj, rel, self.objects[target])
                self.emulation.let_go(old, rel, self.objects[target])
        if add == "1":
            self.emulation.check_usable()
            self.session.add(obj)
        return None

    def op_add(self, h):
        obj = self._obj(h)
        self.emulation.check_usable()
        self.session.add(obj)

    # Changes to the Session's membership without cascades, for emulations and masks.
    def expunge_alone(self, obj):
        self.session._expunge_states([inspect(obj)])

    def add_alone(self, obj):
        state = inspect(obj)
        if state.key is None:
            self.session._save_impl(state)
        else:
            self.session._update_impl(state)

    def op_set(self, h, column, value):
        obj = self._obj(h)
        self.emulation.access(obj)
        setattr(obj, column, decode(value))

    def op_link(self, h, rel, t):
        obj, target = self._obj(h), self._obj(t)
        self.emulation.access(obj)
        self.expunged = []
        value = self.emulation.load(obj, rel)
        if self._uselist(obj, rel):
            if self.emulation.no_duplicate(obj, rel, target):
                return None
            self.emulation.known_back(obj, rel, target)
            value.append(target)
        elif value is target:
            return None  # (assigning the value a one<> holds does nothing)
        else:
            self.emulation.known_back(obj, rel, target)
            if self.emulation.is_reference(obj, rel):
                self.emulation.parent_lets_go_outside(obj, rel, target)
            else:
                self.emulation.orphaned_outside(obj, rel)
            old = self.emulation.old_one_to_one_child(obj, rel, target)
            old_parent = value
            setattr(obj, rel, target)
            self.emulation.let_go(old, rel, target)
            self.emulation.keep_unloaded_one_to_one(obj, rel, old_parent)
        self.emulation.after_link(self.expunged, obj, target)

    def op_unlink(self, h, rel, t):
        obj = self._obj(h)
        if self._uselist(obj, rel):
            self._obj(t)  # (a missing handle first, as in relate_runner)
        self.emulation.access(obj)
        if self._uselist(obj, rel):
            target = self._obj(t)  # (a missing handle first, as in relate_runner)
            collection = self.emulation.load(obj, rel)
            if target not in collection:
                return "absent"
            stale = self.emulation.stale_references(obj, rel, [target])
            collection.remove(target)
            self.emulation.keep_stale_references(stale, rel)
            return "removed"
        old = self.emulation.load(obj, rel)
        if old is None:
            return "absent"
        self.emulation.orphaned_outside(obj, rel)
        parent_unloaded = old is not None and \
            self.emulation.back_unloaded(obj, rel, old)
        setattr(obj, rel, None)
        self.emulation.keep_unloaded_one_to_one(obj, rel, old)
        if parent_unloaded:
            self.emulation.orphan_of_unloaded_one_to_one(obj, rel, old)
        return "removed"

    def op_clear(self, h, rel):
        obj = self._obj(h)
        self.emulation.access(obj)
        collection = self.emulation.load(obj, rel)
        stale = self.emulation.stale_references(obj, rel, list(collection))
        collection.clear()
        self.emulation.keep_stale_references(stale, rel)

    def op_delete(self, h):
        return self.emulation.delete(self._obj(h))

    def op_expunge(self, h):
        self.emulation.expunge(self._obj(h))

    def op_flush(self):
        self.emulation.flush()

    def op_commit(self):
        self.emulation.commit()

    def op_rollback(self):
        self.emulation.rollback()

    def op_close(self):
        self.emulation.close()

    # The Session's newer calls (generator.py with --session-api).
    def op_refresh(self, h):
        self.emulation.refresh(self._obj(h))

    def op_expire(self, h):
        self.emulation.expire(self._obj(h))

    def op_merge(self, h, new):
        merged = self.emulation.merge(self._obj(h))
        known = self.handle_of.get(id(merged))
        if known is not None:
            return f"#{known}"
        self._register(int(new), merged)
        return "new"

    def op_begin_nested(self):
        self.emulation.begin_nested()

    def op_release_nested(self):
        return self.emulation.release_nested()

    def op_rollback_nested(self):
        return self.emulation.rollback_nested()

    # Bulk writes (generator.py with --bulk; bulk_operations.hpp has the shapes).
    SYNCHRONIZE = {"evaluate": "evaluate", "fetch": "fetch", "none": False}

    def op_bulk_update(self, model, _column, value, bound, sync):
        from sqlalchemy import update
        if model == "Owner":
            statement = update(models.Owner).where(models.Owner.score > decode(bound)).values(
                score=models.Owner.score + decode(value))
        else:
            statement = update(models.Item).where(models.Item.label < decode(bound)).values(
                label=models.Item.label + decode(value))
        return self.emulation.bulk(
            statement.execution_options(synchronize_session=self.SYNCHRONIZE[sync]))

    def op_bulk_delete(self, model, bound, sync):
        from sqlalchemy import delete
        if model == "Owner":
            statement = delete(models.Owner).where(models.Owner.score < decode(bound))
        else:
            statement = delete(models.Item).where(models.Item.label >= decode(bound))
        return self.emulation.bulk(
            statement.execution_options(synchronize_session=self.SYNCHRONIZE[sync]))

    def op_upsert(self, model, name, score, mode):
        from sqlalchemy.dialects.sqlite import insert
        statement = insert(models.Owner.__table__).values(name=decode(name), score=decode(score))
        if mode == "update":
            statement = statement.on_conflict_do_update(
                index_elements=["name"], set_={"score": statement.excluded.score})
        else:
            statement = statement.on_conflict_do_nothing(index_elements=["name"])
        self.emulation.bulk(statement, refresh=(models.Owner, "name", decode(name)))

    def op_get(self, h, strategy, new):
        obj = self._obj(h)
        identity = self.emulation.identity(obj)
        if identity is None:
            return "nokey"
        self.emulation.check_usable()
        cls = type(obj)
        mapper = inspect(cls)
        query = select(cls)
        for column, value in zip(mapper.primary_key, identity):
            query = query.where(column == value)
        option = LOADER_OPTIONS[strategy]
        query = query.options(*[option(getattr(cls, r.key)) for r in mapper.relationships])
        self.emulation.autoflush(query=True)  # (before what follows notes the objects)
        before = self.emulation.unloaded()
        known_before = {id(o) for o in self.emulation._objects()}
        existing = self.session.identity_map.get(mapper.identity_key_from_primary_key(identity))
        queued = self.emulation.queued(existing)
        self.emulation.defuse_queued_removals(existing)
        with self.session.no_autoflush:
            found = self.session.execute(query).scalars().first()
        self.emulation.loaded_by_query()
        if found is None:
            return "none"
        if found is existing:
            self.emulation.requeue(found, queued, eager=strategy != "lazy")
        # loads-keep-unflushed-changes: what this load loaded, as Relate's loads show it
        # (an object met for the first time had every relationship unloaded).
        if id(found) not in known_before:
            before |= {(id(found), r.key) for r in mapper.relationships}
        self.emulation.loaded_since(before)
        self.emulation.no_duplicates()
        if strategy != "lazy":  # (what this load made keeps its strategy)
            self.emulation.eager |= {id(o) for o in self.emulation._objects()
                                     if id(o) not in known_before}
        known = self.handle_of.get(id(found))
        if known is not None:
            return f"#{known}"
        self._register(int(new), found)
        return "new"

    def op_read(self, h, rel):
        obj = self._obj(h)
        self.emulation.access(obj)
        value = self.emulation.load(obj, rel)
        return {"read": self._rendered(value, self._uselist(obj, rel), obj)}

    @staticmethod
    def _uselist(obj, rel):
        return inspect(type(obj)).relationships[rel].uselist

    # ---- observation ----

    def observe_object(self, obj):
        i = inspect(obj)
        model = MODELS[type(obj).__name__]
        columns = {}
        for c in model.table.columns:
            if c.name not in i.dict:
                restored, value = self.emulation.expired_value(obj, c.name)
                if restored:
                    columns[c.name] = value
                    continue
                if id(obj) in self.emulation.expired and i.key is not None:
                    columns[c.name] = "expired"  # (as Relate's, without loading)
                    continue
            try:
                columns[c.name] = getattr(obj, c.name)
            except sa_exc.SQLAlchemyError as e:  # an expired attribute that cannot load
                columns[c.name] = "!" + error_name(e)
        rels = {}
        for r in model.relationships:
            if r.name not in i.dict:
                rels[r.name] = "unloaded"
            else:
                value = i.dict.get(r.name)
                rels[r.name] = self._rendered(value, r.uselist, obj)
        identity = self.emulation.identity(obj)
        identity = list(identity) if identity is not None else None
        return [self.emulation.state(obj), columns, rels, identity]

    def observe(self):
        if self.session is None:
            return {}
        # Observing flushes nothing: an attribute SQLAlchemy left to load (the key a
        # post_update column gets after an INSERT) loads without the autoflush that
        # would write a pending object merge() made (seed 460 of --session-api).
        with self.session.no_autoflush:
            return {str(h): self.observe_object(obj) for h, obj in sorted(self.objects.items())}

    def step(self, line):
        self.emulation.flush_frees = []
        result = self.execute(line)
        # Objects session.delete() marked and no flush has deleted yet: still
        # "persistent" in SQLAlchemy's states (masks may need to know them).
        marked_ids = self.emulation.marked()
        marked = sorted(h for h, o in self.objects.items() if id(o) in marked_ids)
        stale = sorted(h for h, o in self.objects.items()
                       if id(o) in self.emulation.unsynchronized | self.emulation.stale_outside)
        return {"r": result, "o": self.observe(), "marked": marked,
                "frees": self.emulation.flush_frees, "stale": stale}


def main():
    runner = Runner()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        if line.startswith("reset "):
            runner.reset(line.split(" ", 1)[1])
            print(json.dumps({"r": "reset"}), flush=True)
            continue
        print(json.dumps(runner.step(line), default=str), flush=True)


if __name__ == "__main__":
    main()
