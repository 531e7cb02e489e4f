"""How the SQLAlchemy runner is driven where Relate behaves differently by design: the
code side of known_differences.py. Each method that departs from plain SQLAlchemy names
the KNOWN entry it serves; a few marked as harness corrections work around SQLAlchemy
1.4's own inconsistencies, not Relate's differences.
"""

from sqlalchemy import inspect
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.state import InstanceState


class SqlAlchemyEmulation:
    """Where the SQLAlchemy runner is driven as Relate behaves by design. Each method
    that departs from plain SQLAlchemy names its KNOWN entry."""

    def __init__(self, runner):
        self.runner = runner
        # failed-flush-restores: id(object) -> (state, column values, marked, object)
        # from before the failed flush, while the Session waits for rollback().
        self.before_failure = None
        # on-delete-mirrored: id(object) -> object, for objects whose rows the
        # database's ON DELETE CASCADE removed in this transaction (reported deleted),
        # and every object ever removed so (left out of relationships).
        self.cascaded = {}
        self.gone = set()
        self._left = set()  # deleted-leave-relationships: already taken out
        self._readded = []  # failed-flush-restores: put back in the Session as pending
        self._expunged_after_failure = []
        self._lost = set()

    @property
    def session(self):
        return self.runner.session

    def check_usable(self):
        """failed-flush-restores: Relate refuses add, delete, flush, commit and queries
        until rollback()."""
        if self.before_failure is not None:
            raise PendingRollbackError("emulated (failed-flush-restores): the Session waits "
                                       "for rollback()")

    def delete(self, obj):
        self.check_usable()
        if inspect(obj).pending:  # remove-pending-expunges (and expunge-no-cascade)
            self.runner.expunge_alone(obj)
            return None
        self.session.delete(obj)
        return None

    def expunge(self, obj):
        if self.before_failure is not None:
            # SQLAlchemy's rollback() would attach again an object a flush of the
            # transaction deleted, even if expunged since: it stays out, as in Relate
            # (a harness correction for SQLAlchemy).
            self._expunged_after_failure.append(obj)
        if self.before_failure is not None and id(obj) in self.before_failure:
            # failed-flush-restores: the object leaves the failed flush's care with the
            # values it had before it.
            _state, values, _marked, _obj = self.before_failure.pop(id(obj))
            state = inspect(obj)
            for key, value in values.items():
                if key not in state.dict:
                    set_committed_value(obj, key, value)
            if state.transient:
                return  # the failure already took it out; Relate does now
        # expunge-no-cascade
        before = list(self.session)
        marked = set(map(id, self.session.deleted))
        self.session.expunge(obj)
        for o in before:
            if o is not obj and o not in self.session:
                self.runner.add_alone(o)
                if id(o) in marked:  # and marked for deletion again, without cascading
                    self.session._delete_impl(inspect(o), o, head=False)

    def _snapshot(self):
        from sqlalchemy_runner import state_name
        marked = set(map(id, self.session.deleted))
        snapshot = {}
        for obj in self.runner.objects.values():
            state = inspect(obj)
            values = {}
            for r in state.mapper.relationships:
                if r.key in state.dict:
                    value = state.dict[r.key]
                    values[r.key] = list(value) if r.uselist else value
            for c in state.mapper.column_attrs:
                if c.key in state.dict:
                    values[c.key] = state.dict[c.key]
                elif state.key is None:
                    values[c.key] = None  # never set on a new object
                elif state.persistent:
                    try:  # expired: what the row holds (a plain load, no flush)
                        values[c.key] = getattr(obj, c.key)
                    except Exception:
                        pass
                elif state.deleted:
                    values[c.key] = None  # never set, and its row is gone
            snapshot[id(obj)] = (self.state(obj), values, id(obj) in marked, obj)
        return snapshot

    def _flushing(self, action):
        # failed-flush-restores
        self.check_usable()
        snapshot = self._snapshot()
        in_session = list(self.session)
        unloaded_secondary = {  # association-rows-one-statement
            id(o): [r.key for r in inspect(o).mapper.relationships
                    if r.secondary is not None and r.key not in inspect(o).dict]
            for o in in_session}
        try:
            action()
        except Exception:
            if not self.session.is_active:
                self.before_failure = snapshot
                self._lost = {id(o) for st, v, m, o in snapshot.values()
                              if st in ("persistent", "deleted") and inspect(o).transient}
                self._restore_new_objects()
                # The objects the failure took out of the Session are back in it, pending
                # (as Relate's are), so that what links them cascades as in Relate.
                self._readded = [o for st, v, m, o in snapshot.values()
                                 if st in ("pending", "persistent", "deleted") and
                                 inspect(o).transient]
                for o in self._readded:
                    self.runner.add_alone(o)
                from sqlalchemy_runner import state_name
                # What the failure left: while an object stays so, it reads as before.
                self._after_failure = {k: state_name(o) for k, (st, v, m, o)
                                       in snapshot.items()}
            raise
        self._mirror_on_delete()
        self._leave_relationships(in_session)
        for o in in_session:  # association-rows-one-statement
            state = inspect(o)
            keys = [k for k in unloaded_secondary[id(o)] if k in state.dict]
            if keys and self.deleted_by_flush(o):
                state._expire_attributes(state.dict, keys)

    def _leave_relationships(self, in_session):
        """deleted-leave-relationships: the objects this flush deleted leave the loaded
        relationships of the Session's objects that remain."""
        gone = [o for o in in_session if self.deleted_by_flush(o)]
        gone_ids = set(map(id, gone)) - self._left
        if not gone_ids:
            return
        self._left |= gone_ids
        for holder in list(self.session):
            state = inspect(holder)
            if self.deleted_by_flush(holder):
                continue
            for r in state.mapper.relationships:
                if r.key not in state.dict:
                    continue
                value = state.dict[r.key]
                if r.uselist:
                    if any(id(o) in gone_ids for o in value):
                        set_committed_value(holder, r.key,
                                            [o for o in value if id(o) not in gone_ids])
                elif value is not None and id(value) in gone_ids:
                    set_committed_value(holder, r.key, None)

    def _mirror_on_delete(self):
        """on-delete-mirrored: objects whose rows the database's ON DELETE removed or
        changed follow, as in Relate."""
        from schema import MODELS
        from sqlalchemy import text
        connection = self.session.connection()
        for obj in list(self.runner.objects.values()):
            state = inspect(obj)
            if not state.persistent:
                continue
            table = MODELS[type(obj).__name__].table
            actions = [fk for fk in table.foreign_keys if fk.ondelete in ("CASCADE", "SET NULL")]
            if not actions:
                continue
            where = " AND ".join(f'"{c}" = :k{i}' for i, c in enumerate(table.primary_key))
            params = {f"k{i}": v for i, v in enumerate(state.key[1])}
            columns = [c for fk in actions for c in fk.columns]
            row = connection.execute(text(
                "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table.name}" '
                "WHERE " + where), params).first()
            if row is None:
                self.runner.expunge_alone(obj)
                self.cascaded[id(obj)] = obj
                self.gone.add(id(obj))
                continue
            for column, value in zip(columns, row):
                if value is None and state.dict.get(column) is not None:
                    set_committed_value(obj, column, None)

    def _restore_new_objects(self):
        """Puts back the column values the failed flush changed, and the relationships
        it expired, as Relate does."""
        for state_before, values, _marked, obj in self.before_failure.values():
            state = inspect(obj)
            for c in state.mapper.column_attrs:
                if c.key in state.dict and c.key in values and \
                        state.dict[c.key] != values[c.key]:
                    if state.transient:
                        setattr(obj, c.key, values[c.key])
                    else:
                        set_committed_value(obj, c.key, values[c.key])
                elif c.key not in state.dict and c.key in values and not state.transient:
                    # expired by the failure: Relate's object still has the value
                    set_committed_value(obj, c.key, values[c.key])
            for r in state.mapper.relationships:
                if r.key in values and r.key not in state.dict:
                    set_committed_value(obj, r.key, values[r.key])

    def _restore_expired(self):
        """Before close() after a failed flush: the values the failure expired, which
        Relate's objects keep when they are detached."""
        for _state, values, _marked, obj in self.before_failure.values():
            state = inspect(obj)
            for key, value in values.items():
                if key not in state.dict:
                    set_committed_value(obj, key, value)

    def flush(self):
        self._flushing(self.session.flush)

    def commit(self):
        # The flush first (failed-flush-restores, on-delete-mirrored need it apart).
        self._flushing(self.session.flush)
        self.session.commit()
        # no-expire-on-commit: with expire_on_commit=False SQLAlchemy 1.4 also leaves
        # the deleted objects attached (state deleted) after commit; with its default it
        # detaches them, as Relate does (docs/sqlalchemy.md: "commit() flushes, then
        # commits. Deleted objects become detached").
        deleted = [inspect(o) for o in self.runner.objects.values() if inspect(o).deleted]
        InstanceState._detach_states(deleted, self.session)
        self.cascaded = {}

    def rollback(self):
        self.session.rollback()
        for o in self._readded:  # failed-flush-restores: they become transient now
            if inspect(o).pending:
                self.runner.expunge_alone(o)
        self._readded = []
        for o in self._expunged_after_failure:
            if o in self.session:
                self.runner.expunge_alone(o)
        self._expunged_after_failure = []
        self.before_failure = None
        self.session.expire_all()  # what rollback() does, also after a failed flush
        for obj in self.cascaded.values():  # on-delete-mirrored: deletions are undone
            self.runner.add_alone(obj)
        self.cascaded = {}
        # rollback-restores-values: Relate's objects read their committed values at
        # once; SQLAlchemy's expired ones load them now (what they would load anyway).
        for obj in self.runner.objects.values():
            state = inspect(obj)
            if state.persistent and state.expired_attributes:
                try:
                    for c in state.mapper.column_attrs:
                        getattr(obj, c.key)
                except Exception:  # no row: observed as such
                    pass

    def close(self):
        if self.before_failure is not None:
            self._restore_expired()
        self.session.close()
        self._readded = []
        self.before_failure = None
        self.cascaded = {}
        # SQLAlchemy 1.4's close() leaves the objects deleted by a flush of the
        # rolled-back transaction reading `deleted` (their session reference stays);
        # they are detached, as close() documents. (A harness correction for
        # SQLAlchemy, not a difference of Relate's.)
        deleted = [inspect(o) for o in self.runner.objects.values() if inspect(o).deleted]
        InstanceState._detach_states(deleted, self.session)

    def state(self, obj):
        from sqlalchemy_runner import state_name
        if self.before_failure is not None and id(obj) in self.before_failure and \
                self._after_failure.get(id(obj)) == state_name(obj):
            return self.before_failure[id(obj)][0]
        if id(obj) in self.cascaded:
            return "deleted"  # on-delete-mirrored
        return state_name(obj)

    def deleted_by_flush(self, obj):
        """deleted-leave-relationships: objects a flush deleted."""
        return inspect(obj).was_deleted or id(obj) in self.gone

    def keeps_relationships(self, obj):
        """deleted-leave-relationships: an object that remains (not deleted) and that a
        Session flushed: in the Session, or detached from one (not transient)."""
        return not inspect(obj).transient and not self.deleted_by_flush(obj)

    def lost_rows(self):
        """Objects persistent before the failed flush that the failure made transient:
        inserted by an earlier flush of the rolled-back transaction."""
        if self.before_failure is None:
            return set()
        return self._lost

    def expired_value(self, obj, key):
        """failed-flush-restores: the value an attribute expired by a failed flush had."""
        if self.before_failure is not None and id(obj) in self.before_failure:
            values = self.before_failure[id(obj)][1]
            if key in values:
                return True, values[key]
        return False, None

    def marked(self):
        if self.before_failure is not None:
            return {id(o) for s, v, m, o in self.before_failure.values() if m}
        return {id(o) for o in self.session.deleted}

    def clear_moved_one_to_one(self):
        """one-to-one-move-clears: after an operation, a one-to-one parent whose child
        now points back at another parent holds no child (set as loaded, no history)."""
        holders = {id(o): o for o in self.runner.objects.values()}
        holders.update((id(o), o) for o in self.session)
        for obj in holders.values():
            state = inspect(obj)
            for r in state.mapper.relationships:
                if r.uselist or r.direction.name != "ONETOMANY" or not r.back_populates:
                    continue
                child = state.dict.get(r.key)
                if child is None:
                    continue
                back = inspect(child).dict.get(r.back_populates, obj)
                if back is not obj and back is not None:
                    set_committed_value(obj, r.key, None)
