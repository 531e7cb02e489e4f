"""How the SQLAlchemy runner is driven where Relate behaves differently by design: the
code side of known_differences.py. Each method that departs from plain SQLAlchemy names
the KNOWN entry it serves; a few marked as harness corrections work around SQLAlchemy
1.4's own inconsistencies, not Relate's differences.
"""

from contextlib import contextmanager

from sqlalchemy import inspect
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.orm.attributes import NO_VALUE, PASSIVE_NO_RESULT, set_committed_value
from sqlalchemy.orm.state import InstanceState


def _save_update_follows_current_values():
    """cascade-skips-taken-out: SQLAlchemy's save-update cascade walks what a
    relationship holds and what it held at the last flush (the attribute's
    get_all_pending); Relate's walks what it holds. The cascade of every runner in this
    process is made to walk the current value only, so an object taken out since the
    last flush is neither brought into the Session nor refused (a deleted one raises
    InvalidRequestError in _update_impl). The flush's dependency processors read the
    history themselves and stay as they are."""
    from sqlalchemy.orm import attributes
    from sqlalchemy.orm.relationships import RelationshipProperty
    original = RelationshipProperty.cascade_iterator
    if getattr(original, "follows_current_values", False):
        return

    def cascade_iterator(self, type_, state, dict_, visited_states, halt_on=None):
        if type_ != "save-update":
            return original(self, type_, state, dict_, visited_states, halt_on)
        # Any other cascade name but "delete" makes SQLAlchemy take the current
        # value, without loading it.
        return original(self, "save-update-current", state, dict_, visited_states,
                        halt_on)
    cascade_iterator.follows_current_values = True
    RelationshipProperty.cascade_iterator = cascade_iterator


def _cascade_walk(todo, cascade, follow):
    """The ids of the objects reached from `todo` along the loaded relationships whose
    cascade has `cascade` ("delete", "save_update"), going on to the objects `follow`
    accepts."""
    reached = set()
    while todo:
        o = todo.pop()
        if id(o) in reached:
            continue
        reached.add(id(o))
        state = inspect(o)
        for r in state.mapper.relationships:
            if not getattr(r.cascade, cascade) or r.key not in state.dict:
                continue
            value = state.dict[r.key]
            todo.extend(c for c in (list(value) if r.uselist else [value])
                        if c is not None and follow(c))
    return reached


def _cascade_objects(obj, cascade):
    """obj, then the objects its loaded relationships reach along the cascade named
    (through every object reached, in the Session or not), as Relate's cascade_reach
    walks them."""
    out, seen, todo = [], set(), [obj]
    while todo:
        o = todo.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        out.append(o)
        state = inspect(o)
        for r in state.mapper.relationships:
            if not getattr(r.cascade, cascade) or r.key not in state.dict:
                continue
            value = state.dict[r.key]
            # (refresh-expire passes over objects without a row, unless the
            # relationship owns them: delete-orphan)
            skip_new = cascade == "refresh_expire" and not r.cascade.delete_orphan
            todo.extend(c for c in (list(value) if r.uselist else [value])
                        if c is not None and not (skip_new and inspect(c).key is None))
    return out


def _plain_state(obj):
    from sqlalchemy_runner import state_name
    return state_name(obj)


def _listed(value):
    return list(value) if isinstance(value, list) else [value]


class SqlAlchemyEmulation:
    """Where the SQLAlchemy runner is driven as Relate behaves by design. Each method
    that departs from plain SQLAlchemy names its KNOWN entry."""

    def __init__(self, runner):
        self.runner = runner
        _save_update_follows_current_values()
        # failed-flush-restores: id(object) -> (state, column values, marked, object)
        # from before the failed flush (states as Relate restores them), while the
        # Session waits for rollback().
        self.before_failure = None
        self._after_failure = {}
        self._identity_before = {}
        # rollback-restores-values: the arrival number (runner.arrivals) at the
        # transaction's first statement; objects attached or loaded since are read again
        # at rollback.
        self._first_write = None
        self._arrived = {}  # id(object) -> its arrival number
        self.eager = set()  # id(object) of the objects a joined or selectin load made
        # deletes-before-inserts: the "table.column" values (not NULL) of the rows the
        # last flush of the step set out to delete (marked, or persistent orphans).
        self.flush_frees = []
        # on-delete-mirrored: id(object) -> object, for objects whose rows the
        # database's ON DELETE CASCADE removed in this transaction (reported deleted),
        # and every object ever removed so (left out of relationships).
        self.cascaded = {}
        # on-delete-mirrored objects expunged since: their rows come back with a
        # rollback (SQLAlchemy's _deleted mark goes then).
        self.cascaded_expunged = {}
        self.gone = set()
        self._left = set()  # deleted-leave-relationships: already taken out
        self._deleted_before_flush = set()
        # ... and where from, in the transaction: (holder, key, object, index)
        self._left_from = []
        self._mirrored = []  # (object, column, value before, value set): _undo_mirror
        # bulk-none-read-at-rollback: id() of the objects a bulk write with
        # synchronize_session False left unsynchronized, in the Session and outside it
        # (detached: stale for good, as in Relate, which reads them again never)
        self.unsynchronized = set()
        self.stale_outside = set()
        self._readded = []  # failed-flush-restores: put back in the Session as pending
        self._expunged_after_failure = []
        # What the flushes of the transaction did, as Relate's journal keeps it
        # (failed-flush-restores, close-ends-transaction, objects-keep-what-they-show):
        # id -> (object, its primary key values before its INSERT) for the objects a
        # flush inserted; id -> object for the rows that existed before the transaction
        # and a flush deleted; id -> (object, committed column values before the
        # transaction wrote) for the others.
        self._tx_inserted = {}
        self._tx_deleted = {}
        self._tx_committed = {}
        # objects-keep-what-they-show: the same for objects expunged since the flush.
        self._expunged_written = {}
        # Objects a flush of the transaction deleted, expunged since (see rollback()).
        self._expunged_deleted = {}
        # loads-keep-unflushed-changes: (object, key, appended) for the appends queued on
        # an unloaded collection that a flush of the transaction wrote, or that a failed
        # flush expired: SQLAlchemy's flush forgot them, Relate's queue keeps them
        # (_requeue_unwritten()).
        self._tx_queued = []
        # loads-keep-unflushed-changes: (id(object), key) -> (object, [appended]) for the
        # appends queued on a collection still unloaded that a flush wrote. SQLAlchemy's
        # flush forgot them; Relate's queue keeps them, across commits, until a load or
        # rollback() expires it. The rows show them, until a flush deletes the
        # collection's object (_queue_of_deleted).
        self._queue_written = {}
        # delete-cascade-at-flush: id(object) of the objects delete() was called for.
        self.removed = set()
        # identity-map-holds: id(object) -> object, every object the Session has had.
        self.held = {}
        self._in_flushing = False  # _flushing() runs: no autoflush inside it
        # Savepoints (begin_nested), the innermost last: (SQLAlchemy's nested
        # SessionTransaction, the enclosing level's transaction records, the objects the
        # database's cascade had removed when it began). Each level keeps its own
        # records of what its flushes did, as Relate's TransactionLog per level.
        self.savepoints = []
        # id(object) -> object: the objects expire() (or the refresh-expire cascade)
        # left expired in Relate, until their columns load again.
        self.expired = {}
        # What an object's expired columns held when expire() reached it (its last
        # loaded or flushed values, which Relate's members keep meanwhile).
        self.expired_values = {}

    @property
    def session(self):
        return self.runner.session

    def _objects(self):
        """Every object the runner or the Session knows, once."""
        seen = {id(o): o for o in self.runner.objects.values()}
        if self.session is not None:
            seen.update((id(o), o) for o in self.session)
        return list(seen.values())

    def check_usable(self):
        """failed-flush-restores: Relate refuses add, delete, flush, commit and queries
        until rollback()."""
        if self.before_failure is not None:
            raise PendingRollbackError("emulated (failed-flush-restores): the Session waits "
                                       "for rollback()")

    # ---- relationships as Relate keeps them ----

    def new_object(self, obj):
        """new-relationships-loaded: a new object's relationships are loaded (empty)
        from the start, and stay so."""
        state = inspect(obj)
        for rel in state.mapper.relationships:
            if rel.key not in state.dict:
                set_committed_value(obj, rel.key, [] if rel.uselist else None)

    def load(self, obj, key):
        """changing-unloaded-relationship-loads: reading or changing a relationship
        loads it (raising where Relate's load raises: DetachedInstanceError when
        detached, PendingRollbackError after a failed flush); loads-keep-unflushed-
        changes: what the load shows."""
        state = inspect(obj)
        if key in state.dict:
            return getattr(obj, key)
        if id(obj) in self.cascaded:
            # on-delete-mirrored: in Relate's Session until commit (deleted), out of
            # SQLAlchemy's; its row is gone, and so are the rows that referred to it
            # (cascaded, or nulled) and the parent whose deletion cascaded to it.
            rel = state.mapper.relationships[key]
            set_committed_value(obj, key, [] if rel.uselist else None)
            return getattr(obj, key)
        if state.session_id is None:
            # also where SQLAlchemy would answer without a statement (a many-to-one
            # whose foreign key is NULL): Relate's load needs the Session
            from sqlalchemy.orm.exc import DetachedInstanceError
            raise DetachedInstanceError("emulated (changing-unloaded-relationship-loads): "
                                        "the object is not in a Session; its '%s' is not "
                                        "loaded" % key)
        if self.before_failure is not None and (state.key is not None or
                                                id(obj) in self._pending_again()):
            # (also an object the failure made pending again: its relationships were
            # loaded, if at all, when it had a row; seed 1685 of --session-api)
            # Any load, also one the identity map answers (a many-to-one whose object
            # is held; SQLAlchemy's reads the row again only where the failure expired
            # the object), and one of an object an eager load (joined, selectin) made,
            # which loads on access with that strategy.
            raise PendingRollbackError("emulated (failed-flush-restores): the Session waits "
                                       "for rollback()")
        runs_statement = self._load_runs_statement(obj, key)
        if runs_statement:
            self.autoflush(query=False)
            if key in state.dict:
                return getattr(obj, key)
        queued = self.defuse_queued_removals(obj, key)
        if runs_statement:
            value = getattr(obj, key)
        else:
            # Relate answers without a statement (nor an autoflush), where SQLAlchemy may
            # load an expired target first, flushing (seed 1978 of --session-api).
            with self.session.no_autoflush:
                value = getattr(obj, key)
        if runs_statement:
            self._filled_by_load(_listed(value))
        self.requeue(obj, queued)
        self.loaded(obj, key)
        self.no_duplicates()
        return getattr(obj, key)

    def defuse_queued_removals(self, obj, key=None):
        """A harness correction for SQLAlchemy: a removal queued on an unloaded
        collection of an object the load does not find there (after a rollback expired
        the collection) makes SQLAlchemy's load raise ValueError ('list.remove(x): x not
        in list'); Relate's load skips it. The removals are taken out of SQLAlchemy's
        queue before the load and applied after it (requeue()), where they apply."""
        state = inspect(obj) if obj is not None else None
        if state is None:
            return {}
        out = {}
        for k, pending in list(state._pending_mutations.items()):
            if key is not None and k != key:
                continue
            removed = list(pending.deleted_items)
            if removed:
                for item in removed:
                    pending.deleted_items.remove(item)
                out[k] = ([], removed)
        return out

    def unloaded(self):
        """(id(object), key) of every relationship not loaded now."""
        out = set()
        for o in self._objects():
            state = inspect(o)
            for r in state.mapper.relationships:
                if r.key not in state.dict:
                    out.add((id(o), r.key))
        return out

    def loaded_since(self, before):
        """loads-keep-unflushed-changes, for every relationship loaded since
        `before` (unloaded())."""
        for o in self._objects():
            state = inspect(o)
            for r in state.mapper.relationships:
                if (id(o), r.key) in before and r.key in state.dict:
                    self.loaded(o, r.key)

    def loaded(self, obj, key):
        """loads-keep-unflushed-changes: a one-to-many just loaded leaves out the
        children whose unflushed many-to-one points elsewhere (another row, or none),
        as Relate's loads do (SQLAlchemy's show the rows where it did not queue the
        change)."""
        state = inspect(obj)
        rel = state.mapper.relationships[key]
        if rel.direction.name != "ONETOMANY" or not rel.back_populates or key not in state.dict:
            return
        back = rel.back_populates
        value = state.dict[key]
        current = list(value) if rel.uselist else ([] if value is None else [value])

        def elsewhere(child):
            c = inspect(child)
            if back not in c.committed_state or back not in c.dict or c.dict[back] is obj:
                return False
            # Relate's load compares rows, not objects (findings 101855, 102882): a
            # reference to a detached copy of obj's row names the same parent, whose
            # row the flush does not change.
            parent, row = c.dict[back], inspect(obj).key
            return parent is None or row is None or inspect(parent).key != row

        keep = [c for c in current if not elsewhere(c)]
        if len(keep) == len(current):
            return
        if not rel.uselist:
            set_committed_value(obj, key, keep[0] if keep else None)
            return
        history = state.committed_state.get(key)
        set_committed_value(obj, key, keep)
        if isinstance(history, list):  # what the load's queued changes added: still so
            state.committed_state[key] = [c for c in history if c in keep]
            state._modified_event(state.dict, None, None)

    @staticmethod
    def queued(obj):
        """The changes SQLAlchemy queued on obj's unloaded collections."""
        if obj is None:
            return {}
        return {key: (list(p.added_items), list(p.deleted_items))
                for key, p in inspect(obj)._pending_mutations.items()}

    def requeue(self, obj, queued, eager=False):
        """loads-keep-unflushed-changes: SQLAlchemy's eager load of an object already
        loaded drops the changes queued on its unloaded collections, or (when the queue
        marked the collection changed) leaves the collection unloaded; its lazy load,
        and Relate's every load, apply them. `eager`: the load was joined or selectin,
        which loads such a collection in Relate."""
        from sqlalchemy.orm.collections import collection_adapter
        state = inspect(obj)
        for key, (added, removed) in queued.items():
            if key not in state.dict and eager:
                getattr(obj, key)  # the lazy load applies what is queued but removals
            if key not in state.dict:  # not loaded: the queue stays as it was
                pending = state._get_pending_mutation(key)
                for item in removed:
                    if item not in pending.deleted_items:
                        pending.deleted_items.add(item)
                continue
            state._pending_mutations.pop(key, None)
            collection = state.dict[key]
            if not added and not any(item in collection for item in removed):
                continue
            state._modified_event(state.dict, state.manager[key].impl, collection, True)
            for item in added:
                if item not in collection:
                    collection_adapter(collection).append_without_event(item)
            for item in removed:
                if item in collection:
                    collection_adapter(collection).remove_without_event(item)

    def known_back(self, obj, key, target):
        """loads-keep-unflushed-changes: linking `target` to `obj` through `key`, when
        the target's many-to-one back to its old parent is not loaded, Relate finds
        that parent in the identity map (no statement) and takes the target out of the
        parent's collection (or queues that); SQLAlchemy does not know the old parent."""
        rel = inspect(obj).mapper.relationships[key]
        if rel.direction.name != "ONETOMANY" or not rel.back_populates or target is None:
            return
        t = inspect(target)
        back = t.mapper.relationships[rel.back_populates]
        if back.key in t.dict or t.session_id is None or self.session is None:
            return
        # (an expired member holds its last value in Relate: seed 575 of --session-api)
        expired = self.expired_values.get(id(target), {}) if id(target) in self.expired else {}

        def value_of(column_key):
            return t.dict[column_key] if column_key in t.dict else expired.get(column_key)

        values = []
        for local, remote in back.local_remote_pairs:
            values.append(value_of(local.key))
        if not values or any(v is None for v in values):
            return
        mapper = back.mapper
        pk_order = [dict(((r, l) for l, r in back.local_remote_pairs))[c] for c in
                    mapper.primary_key]
        key_values = tuple(value_of(c.key) for c in pk_order)
        identity = mapper.identity_key_from_primary_key(key_values)
        old = self.session.identity_map.get(identity)
        if old is not None:
            set_committed_value(target, back.key, old)

    def no_duplicate(self, obj, key, target):
        """collection-holds-once: appending an object a collection already holds
        does nothing."""
        return target in getattr(obj, key)

    def after_link(self, expunged, *objects):
        """pending-child-moved-stays-pending: a pending child moved to another parent
        stays pending (it has a parent); SQLAlchemy's removal from the old parent's
        delete-orphan collection expunges it (`expunged`: what SQLAlchemy took out of
        the Session during the link), also when the append to the new parent's
        collection has just brought it in."""
        for o in objects:
            if o is not None and inspect(o).transient and any(o is x for x in expunged):
                self.runner.add_alone(o)

    @staticmethod
    def is_reference(obj, key):
        return inspect(obj).mapper.relationships[key].direction.name == "MANYTOONE"

    def parent_lets_go_outside(self, obj, key, target):
        """The same correction, for a child `obj` outside the Session that takes
        `target` as its parent (`obj.key = target`): the child target held under a
        one-to-one delete-orphan is let go of while target stays outside."""
        rel = inspect(obj).mapper.relationships[key]
        if rel.direction.name == "MANYTOONE" and rel.back_populates and \
                inspect(obj).session_id is None and target is not None:
            self.orphaned_outside(target, rel.back_populates)

    def keep_unloaded_one_to_one(self, child, key, old_parent):
        """A harness correction for SQLAlchemy: a child whose many-to-one (the back of a
        one-to-one parent's one<>) lets go of `old_parent` sets the parent's unloaded
        one<> to None without knowing what it held (the backref's pop), and the flush
        then loads the row's child as the one removed and deletes it as an orphan, also
        when that is another object: a child without a row (say transient after a
        rollback) that still held the parent made the parent's real child an orphan.
        Where the child has no row, the one<> stays unloaded, as in Relate.

        objects-outside-never-written: where the child has a row but is outside the
        Session, the parent's one<> holds nothing as loaded, without history: what
        changed is the outside child, which is not written (SQLAlchemy, its one<>
        loaded, leaves that row alone too).

        Where the child is in the Session and its row names the parent, that row is
        what the flush would load as the one<>'s old value: it is set to the child now,
        as the load would find it. The child may leave the Session before the flush
        (close(), expunge()), and the load would then make a new copy of its row, which
        the flush deletes as an orphan, where SQLAlchemy, its one<> loaded, leaves the
        row of a child outside the Session alone, as Relate does (seed 654371)."""
        side = self._one_to_one_side(child, key, old_parent)
        if side is None:
            return
        parent, prop = side
        if parent.committed_state.get(prop.key) is not PASSIVE_NO_RESULT:
            return
        if inspect(child).key is None:
            parent.dict.pop(prop.key, None)
        elif inspect(child).session_id is None:
            parent.dict[prop.key] = None
        else:
            if self._row_names(child, key, old_parent):
                parent.committed_state[prop.key] = child
            return
        parent.committed_state.pop(prop.key, None)

    @staticmethod
    def _row_names(child, key, parent):
        """The foreign key of `child`'s row (its member as the last flush left it)
        names `parent` through the many-to-one `key`."""
        state, parent_state = inspect(child), inspect(parent)
        for local, remote in state.mapper.relationships[key].local_remote_pairs:
            member = state.mapper.get_property_by_column(local).key
            mine = state.committed_state.get(member, state.dict.get(member))
            theirs = parent_state.dict.get(parent_state.mapper.get_property_by_column(remote).key)
            if mine is None or mine != theirs:
                return False
        return True

    @staticmethod
    def _one_to_one_side(child, key, parent):
        """(parent's state, its one-to-one property) when `child.key` is the
        many-to-one back of `parent`'s one<>; else None."""
        if parent is None:
            return None
        rel = inspect(child).mapper.relationships[key]
        if rel.direction.name != "MANYTOONE" or not rel.back_populates:
            return None
        state = inspect(parent)
        prop = state.mapper.relationships[rel.back_populates]
        return None if prop.uselist else (state, prop)

    def orphan_of_unloaded_one_to_one(self, child, key, old_parent):
        """A harness correction for SQLAlchemy: a child with a row that let go of its
        parent, whose one-to-one (under delete-orphan) was unloaded, keeps SQLAlchemy's
        has-parent flag (the backref finds no old value to unflag), so its flush keeps
        the orphan; taken out of an unloaded collection, the flag goes and the flush
        deletes it. The runner unflags it as for a collection (Relate deletes both).
        A pending child (no row) the backref likewise never reports as removed stays in
        SQLAlchemy's Session, and its flush inserts it with no parent; its remove event
        would have expunged it, as Relate does (seed 7831 of the bulk round)."""
        if inspect(child).key is None:
            side = self._one_to_one_side(child, key, old_parent)
            if side is not None and side[1].cascade.delete_orphan and inspect(child).pending:
                self.runner.expunge_alone(child)
            return
        side = self._one_to_one_side(child, key, old_parent)
        if side is None or not side[1].cascade.delete_orphan:
            return
        parent, prop = side
        parent.manager[prop.key].impl.sethasparent(inspect(child), parent, False)

    @staticmethod
    def stale_references(owner, key, children):
        """references-follow-rows: the children of `owner.key` (a one-to-many) about to
        leave it whose many-to-one back is unloaded and whose row names another parent
        (not NULL, not `owner`): a collection that still held them was stale."""
        rel = inspect(owner).mapper.relationships[key]
        if rel.direction.name != "ONETOMANY" or not rel.back_populates:
            return []
        owner_state = inspect(owner)
        out = []
        for child in children:
            state = inspect(child)
            if rel.back_populates in state.dict:
                continue
            values = []
            for parent_col, child_col in rel.local_remote_pairs:
                attr = state.mapper.get_property_by_column(child_col).key
                values.append((state.dict.get(attr), owner_state.dict.get(
                    owner_state.mapper.get_property_by_column(parent_col).key)))
            if any(v is None for v, _o in values) or all(v == o for v, o in values):
                continue
            out.append(child)
        return out

    @staticmethod
    def keep_stale_references(children, key):
        """references-follow-rows: Relate leaves such a child's reference unloaded (it
        names its row's parent); SQLAlchemy's backref set it to None without looking."""
        for child in children:
            state = inspect(child)
            back = None
            for r in state.mapper.relationships:
                if r.back_populates == key and r.direction.name == "MANYTOONE":
                    back = r.key
            if back is None:
                continue
            state.dict.pop(back, None)
            state.committed_state.pop(back, None)

    @staticmethod
    def back_unloaded(child, key, parent):
        """Whether `parent`'s side of `child.key` (its back_populates) is unloaded."""
        back = inspect(child).mapper.relationships[key].back_populates
        return bool(back) and back not in inspect(parent).dict

    def orphaned_outside(self, obj, key):
        """A harness correction for SQLAlchemy: taking a pending child out of a
        delete-orphan collection of a parent outside the Session marks it so that the
        flush expunges it (an orphan); SQLAlchemy does so for a collection, not for a
        one-to-one's scalar attribute. Relate treats both alike, from either side of the
        pair (for the child's side, `obj.key` is its reference, set to None next)."""
        state = inspect(obj)
        rel = state.mapper.relationships[key]
        if rel.direction.name == "MANYTOONE":
            # From the child's side (unlink only): the parent it leaves lets go of it.
            parent = state.dict.get(key)
            if parent is not None and rel.back_populates:
                self.orphaned_outside(parent, rel.back_populates)
            return
        if rel.uselist or rel.direction.name != "ONETOMANY" or not rel.cascade.delete_orphan:
            return
        if state.session_id is not None:
            return
        old = state.dict.get(key)
        if old is not None and (inspect(old).pending or inspect(old).transient):
            inspect(old)._orphaned_outside_of_session = True

    # ---- the Session's operations ----

    def delete(self, obj):
        self.check_usable()
        state = inspect(obj)
        if state.pending:  # remove-pending-expunges
            self.runner.expunge_alone(obj)
            return None
        if state.deleted or id(obj) in self.cascaded:
            # (on-delete-mirrored: deleted in Relate's Session, as by a flush.)
            # A harness correction for SQLAlchemy: its delete() of an object a flush
            # already deleted corrupts its state (the next commit inserts no new
            # object, and rollback() raises 'is not persisted'); Relate, as
            # SQLAlchemy means to, does nothing.
            return None
        if state.detached and state.was_deleted:
            # A harness correction for SQLAlchemy: its delete() of an object whose
            # deletion was committed (or flushed, and expunged since) attaches it again, marked for a second DELETE of
            # a row that is gone, where its add() refuses such an object ('has been
            # deleted'); Relate refuses both.
            from sqlalchemy.exc import InvalidRequestError
            raise InvalidRequestError("emulated: the object has been deleted (by a flush, "
                                      "or committed)")
        self._refuse_deleted_in_delete_cascade(obj)
        before = self.unloaded()
        outside_before = {id(o) for o in self._objects() if o not in self.session}
        with self.tolerant_loads():
            self.session.delete(obj)
        self._detach_beyond_outside(obj, outside_before)
        self.removed.add(id(obj))
        # Relate's remove() loads what the delete cascade follows, as delete() does;
        # the expired objects those loads returned took their rows' values (seeds 1153,
        # 1672).
        self.loaded_since(before)
        self._filled_by_load(_cascade_objects(obj, "delete")[1:])
        return None

    def _detach_beyond_outside(self, obj, outside_before):
        """delete-cascade-at-flush: Relate's remove() joins the detached objects its
        delete cascade finds, walking from the object through the Session's objects
        (and the ones it joins); an object outside the Session (transient) ends the walk
        there, as it ends the flush's (_cascade_deletes_now). SQLAlchemy's delete()
        walks through it and attaches the detached objects it holds, marked for
        deletion (findings.md, ninth round, seed 567728): those leave the Session
        again, detached as they were."""
        reached = _cascade_walk(
            [obj], "delete",
            lambda c: id(c) not in outside_before or inspect(c).key is not None)
        for o in self._objects():
            if id(o) in outside_before and id(o) not in reached and o in self.session:
                self.runner.expunge_alone(o)

    @contextmanager
    def tolerant_loads(self):
        """defuse_queued_removals() around what SQLAlchemy may load by itself (the
        delete cascade, the flush)."""
        queued = [(o, self.defuse_queued_removals(o)) for o in self._objects()]
        try:
            yield
        finally:
            for o, changes in queued:
                if changes:
                    self.requeue(o, changes)

    @staticmethod
    def _refuse_deleted_in_delete_cascade(obj):
        """A harness correction for SQLAlchemy: its delete cascade attaches again (and
        marks for a second DELETE) a detached object whose deletion was committed, which
        its add() refuses ('has been deleted'); so does the runner, as Relate does."""
        from sqlalchemy.exc import InvalidRequestError
        seen, todo = set(), [obj]
        while todo:
            o = todo.pop()
            if id(o) in seen:
                continue
            seen.add(id(o))
            state = inspect(o)
            if o is not obj and state.detached and state.was_deleted:
                raise InvalidRequestError("emulated: an object the delete cascade reaches has "
                                          "been deleted (its deletion was committed)")
            for r in state.mapper.relationships:
                if r.cascade.delete and r.key in state.dict:
                    value = state.dict[r.key]
                    todo.extend(c for c in (list(value) if r.uselist else [value])
                                if c is not None)

    def _rows_back(self):
        """on-delete-mirrored: the transaction's deletions are undone; the objects
        expunged since are not deleted any more."""
        for o in self.cascaded_expunged.values():
            inspect(o)._deleted = False
        self.cascaded_expunged = {}

    def expunge(self, obj):
        """Relate's expunge() follows the expunge cascade through loaded relationships,
        as SQLAlchemy's does; what the emulation keeps about each object that leaves
        the Session is updated here, for the object and for every one the cascade
        took along."""
        failed = self.before_failure is not None
        # (the objects a flush deleted are in the Session too, not in its iteration)
        ours = self.session.hash_key
        in_session = {id(o) for o in _cascade_objects(obj, "expunge")
                      if inspect(o).session_id == ours}
        if id(obj) not in self.cascaded and inspect(obj).session_id is None:
            self.session.expunge(obj)  # raises InvalidRequestError, as Relate's does
        leaving = [o for o in _cascade_objects(obj, "expunge")
                   if id(o) in in_session or id(o) in self.cascaded]
        for o in leaving:
            self.unsynchronized.discard(id(o))
            self.removed.discard(id(o))
            if id(o) in self.cascaded:
                # on-delete-mirrored: in Relate's Session until commit (deleted), out of
                # SQLAlchemy's already: expunged, it is detached on both sides.
                self.cascaded_expunged[id(o)] = self.cascaded.pop(id(o))
                continue
            if failed and id(o) in self.before_failure:
                # failed-flush-restores: the object leaves the failed flush's care with
                # the values it had before it.
                _state, values, _marked, _obj = self.before_failure.pop(id(o))
                state = inspect(o)
                for key, value in values.items():
                    if key not in state.dict:
                        set_committed_value(o, key, value)
        leaving = [o for o in leaving if id(o) in in_session]
        if inspect(obj).session_id == ours:
            self.session.expunge(obj)
        for o in leaving:  # (one SQLAlchemy's walk missed, if any)
            if inspect(o).session_id == ours:
                self.runner.expunge_alone(o)
        for o in leaving:
            if failed:
                # SQLAlchemy's rollback() would attach again an object a flush of the
                # transaction deleted, even if expunged since: it stays out, as in
                # Relate (a harness correction for SQLAlchemy).
                self._expunged_after_failure.append(o)
            # Relate's journal forgets it: neither the end of the transaction nor a
            # failed flush restores it (an object the transaction inserted still has no
            # row).
            written = self._tx_committed.pop(id(o), None)
            if written is not None:  # (what it shows is still what its row should hold)
                self._expunged_written[id(o)] = written
            if self._tx_deleted.pop(id(o), None) is not None:
                self._expunged_deleted[id(o)] = o

    def _snapshot(self):
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
                elif state.persistent and id(obj) not in self.expired:
                    # (what expire() left expired stays so in Relate: no value to restore)
                    try:  # expired: what the row holds (a plain load, no flush)
                        values[c.key] = self._load_columns(obj)[c.key]
                    except Exception:
                        pass
                elif c.key not in state.expired_attributes:
                    values[c.key] = None  # never set (SQLAlchemy reads None)
            snapshot[id(obj)] = (self.state(obj), values, id(obj) in marked, obj)
        return snapshot

    @staticmethod
    def _load_columns(obj):
        """Loads an object's expired columns, and nothing else: SQLAlchemy reloads an
        expired object with the loader options of the query that loaded it, so its
        eager relationships would load too, where Relate's stay unloaded."""
        state = inspect(obj)
        unloaded = [r.key for r in state.mapper.relationships if r.key not in state.dict]
        values = {c.key: getattr(obj, c.key) for c in state.mapper.column_attrs}
        again = [k for k in unloaded if k in state.dict]
        if again:
            state._expire_attributes(state.dict, again)
        return values

    @staticmethod
    def _committed_columns(obj):
        """A persistent object's committed column values (what its row holds)."""
        state = inspect(obj)
        out = {}
        for c in state.mapper.column_attrs:
            if c.key in state.committed_state:
                value = state.committed_state[c.key]
                if value is not NO_VALUE:
                    out[c.key] = value
            elif c.key in state.dict:
                out[c.key] = state.dict[c.key]
            elif c.key not in state.expired_attributes:
                out[c.key] = None  # never set (inserted as NULL)
        return out

    def _take_out_pending_in_delete_cascade(self):
        """delete-cascade-takes-pending-out: the delete cascade of the objects marked by
        remove() (through loaded relationships) makes the pending objects it reaches
        transient, as remove() of a pending object does; SQLAlchemy inserts and
        deletes them. Relate does it when the flush works out the cascade."""
        seen = set()
        todo = list(self.session.deleted)
        taken = []
        while todo:
            o = todo.pop()
            if id(o) in seen:
                continue
            seen.add(id(o))
            state = inspect(o)
            for r in state.mapper.relationships:
                if not r.cascade.delete or r.key not in state.dict:
                    continue
                value = state.dict[r.key]
                for child in (list(value) if r.uselist else [value]):
                    if child is None or child not in self.session:
                        continue
                    cs = inspect(child)
                    if cs.pending:
                        if child not in taken:
                            taken.append(child)
                    elif cs.persistent:
                        todo.append(child)
        for child in taken:
            self.runner.expunge_alone(child)

    def _unload_loaded_by_failed_flush(self, unloaded_at_start):
        """failed-flush-restores: the relationships a failed flush loaded (those Relate's
        flush loads for its deletions and delete cascade, loaded here before SQLAlchemy's
        flush) are unloaded again, as they were before it."""
        for o in self._objects():
            state = inspect(o)
            keys = [r.key for r in state.mapper.relationships
                    if (id(o), r.key) in unloaded_at_start and r.key in state.dict]
            if keys:
                state._expire_attributes(state.dict, keys)

    def _expunge_loaded_by_flush(self, before_action):
        """association-rows-one-statement: SQLAlchemy's flush loads a deleted object's
        many-to-many collection, and the rows' objects join its Session (a copy of a
        label held outside it, say, which then refuses that label: probe 5290). Relate's
        flush loads nothing there; what the flush brought in and nothing the Session
        holds refers to leaves again, also after a failed flush."""
        named = {id(o) for o in self.runner.objects.values()}
        entered = [o for o in self.session if id(o) not in before_action and
                   id(o) not in named and inspect(o).persistent]
        if not entered:
            return
        referred = set()
        for holder in self.session:
            if id(holder) in {id(o) for o in entered}:
                continue
            state = inspect(holder)
            for r in state.mapper.relationships:
                if r.key in state.dict:
                    referred |= {id(c) for c in _listed(state.dict[r.key]) if c is not None}
        for o in entered:
            if id(o) not in referred:
                self.runner.expunge_alone(o)
                self.held.pop(id(o), None)

    def _load_for_delete(self):
        """changing-unloaded-relationship-loads: Relate's flush loads the one-to-many
        relationships of the objects it deletes (but an unloaded one with
        passive_deletes), and they stay loaded; a failed flush unloads them again
        (_unload_loaded_by_failed_flush)."""
        for obj in list(self.session.deleted):
            state = inspect(obj)
            for r in state.mapper.relationships:
                if r.direction.name != "ONETOMANY" or r.key in state.dict or r.passive_deletes:
                    continue
                self.load(obj, r.key)

    def _cascade_deletes_now(self):
        """delete-cascade-at-flush: Relate's flush works the delete cascade out from the
        objects remove() marked, through their relationships as they are at the flush;
        SQLAlchemy's delete() marked what its cascade reached then. Before each flush
        the runner marks the persistent objects the cascade reaches now (loading what
        Relate's flush loads) and unmarks those it no longer reaches."""
        reached, todo = {}, [o for o in self.session.deleted if id(o) in self.removed]
        while todo:
            o = todo.pop()
            if id(o) in reached:
                continue
            reached[id(o)] = o
            state = inspect(o)
            for r in state.mapper.relationships:
                if not r.cascade.delete:
                    continue
                if r.key not in state.dict and r.direction.name == "ONETOMANY" and \
                        not r.passive_deletes:
                    self.load(o, r.key)
                if r.key not in state.dict:
                    continue
                value = state.dict[r.key]
                todo.extend(c for c in (list(value) if r.uselist else [value])
                            if c is not None and c in self.session and inspect(c).persistent)
        for o in list(self.session.deleted):
            if id(o) not in reached:
                self.session._deleted.pop(inspect(o), None)
        for o in reached.values():
            if o not in self.session.deleted:
                self.session._deleted[inspect(o)] = o

    def _flush_frees(self):
        """deletes-before-inserts: the values ("table.column") the rows this flush
        deletes hold: of the objects marked deleted and of the persistent orphans (a
        one-to-one child replaced under delete-orphan, also one the replacement loaded
        and no handle names), as Session._flush finds them."""
        out = set()
        for o in set(self.session.deleted) | set(self.session):
            state = inspect(o)
            if o not in self.session.deleted and \
                    not (state.has_identity and state.mapper._is_orphan(state)):
                continue
            for c in state.mapper.column_attrs:
                value = state.committed_state.get(c.key, state.dict.get(c.key))
                if value is not None and value is not NO_VALUE:
                    out.update(f"{col.table.name}.{col.name}" for col in c.columns)
        return sorted(out)

    def _parent_claims(self):
        """A harness correction for SQLAlchemy (seeds 709767, 729309): two parents of the
        flush hold the same child as added in a one-to-many, e.g. a transient parent that
        kept its child across a rollback() (one-to-one-move-clears, rollback-restores-
        values) added again after another parent took the child while the child's
        reference was unloaded (so the backref did not take it out of the first).
        SQLAlchemy's ProcessAll of the one-to-many (OneToManyDP.process_saves) iterates
        the parents as UOWTransaction.mappers holds them, a set of states (their id()),
        and each writes its key into the child for what its history shows added: the
        last one wins, from run to run, whatever the child's own reference says (the
        ManyToOneDP of the reference runs before, plain 1.4.46 alike). Relate writes the
        keys of the parents a flush saves (a modified collection's, or an inserted
        parent's, sync_one_to_many), persistent ones first, then the inserted ones in
        the order they were added, then the child's many-to-one, if changed since the
        last flush, writes what it names (sync_many_to_one, when the child's row is
        written). So: where the child's reference changed, only the parent it names (if
        any) keeps the child as added; where it did not and the parents are all
        pending, only the one inserted last does. A parent marked deleted writes nothing
        on either side and claims nothing. The others leave the child out of the flush,
        so that SQLAlchemy writes what Relate does, one of the outcomes it has anyway: a
        one-to-one (uselist=False) is taken out of the instance dict without events,
        put back after the flush (unchanged would not do, a parent whose key the
        failure of an earlier flush took back writes its unchanged children too); a
        collection's committed state takes the child in for the flush, so that its
        history shows it unchanged (the flush commits the state; a failure puts the
        committed state back). Returns what to put back."""
        claims = {}
        for o in list(self.session):
            state = inspect(o)
            if o in self.session.deleted:
                continue
            for r in state.mapper.relationships:
                if r.direction.name != "ONETOMANY" or not r.back_populates or \
                        r.key not in state.dict:
                    continue
                for child in state.attrs[r.key].history.added or ():
                    if child is not None:
                        claims.setdefault((r.key, id(child)), (r, child, []))[2].append(o)
        undo = []
        for r, child, holders in claims.values():
            if len(holders) < 2:
                continue
            reference = inspect(child).attrs[r.back_populates].history
            if reference.added or reference.deleted:
                # (its many-to-one writes what it names: the key of one of them, another
                # parent's, or NULL; no holder's key is left)
                keep = [o for o in holders if any(o is p for p in reference.added or ())]
            elif all(inspect(o).pending for o in holders):
                keep = [max(holders, key=lambda o: inspect(o).insert_order)]  # written last
            else:
                continue
            for o in holders:
                if any(o is k for k in keep):
                    continue
                state = inspect(o)
                had, value = r.key in state.committed_state, state.committed_state.get(r.key)
                undo.append((state, r.key, child, had, value))
                if r.uselist:
                    before = [] if value is None or value is NO_VALUE else list(value)
                    state.committed_state[r.key] = before + [child]
                    continue
                del state.dict[r.key]
                state.committed_state.pop(r.key, None)
        return undo

    @staticmethod
    def _put_back_claims(claims, flushed):
        """_parent_claims: as they were (the flush failed), or, for a one-to-one, written
        as the flush left them."""
        for state, key, child, had, value in reversed(claims):
            if state.manager[key].impl.collection:
                if flushed:
                    continue  # (the flush committed the state)
                if had:
                    state.committed_state[key] = value
                else:
                    state.committed_state.pop(key, None)
            elif flushed:
                set_committed_value(state.obj(), key, child)
            else:
                state.dict[key] = child
                if had:
                    state.committed_state[key] = value

    def install_autoflush(self):
        """The loads SQLAlchemy runs on its own (a backref's old value, delete()'s
        cascade) autoflush as Relate's lazy loads do (autoflush() below); the runner's
        queries and load() call autoflush() themselves, before what they note."""
        self.session._autoflush = lambda: self.autoflush(query=False)

    def autoflush(self, query):
        """lazy-load-flushes-known-changes: a query flushes every change first; a lazy
        load only where Relate's Session knows of changes without comparing members
        (new objects, deletions, changed relationships). The flush is a flush of the
        emulation (failed-flush-restores and the rest), not inside another one, and not
        after a failed one (the statement refuses then)."""
        session = self.session
        if self._in_flushing or session._flushing or not session.autoflush or \
                self.before_failure is not None:
            return
        if self._relate_would_flush(query):
            self._flushing(session.flush)

    def _relate_would_flush(self, query):
        """Relate's SessionImpl::has_changes."""
        session = self.session
        if session.new or session.deleted:
            return True
        for state in list(session.identity_map.all_states()):
            for rel in state.mapper.relationships:
                # (a change queued on an unloaded collection by the other side's
                # backref is no change of Relate's Session: it waits for the load)
                if rel.key in state.committed_state and rel.key in state.dict:
                    return True
            if query and state.persistent:
                for c in state.mapper.column_attrs:
                    if c.key in state.dict and state.attrs[c.key].history.has_changes():
                        return True
        return False

    def _load_runs_statement(self, obj, key):
        """Whether loading `key` runs a SELECT: not for a pending object, nor for a
        many-to-one whose key is NULL or whose object the identity map holds."""
        state = inspect(obj)
        if state.key is None:
            return False
        rel = state.mapper.relationships[key]
        if rel.direction.name != "MANYTOONE":
            return True
        remote = {}
        for local, target in rel.local_remote_pairs:
            value = state.dict.get(state.mapper.get_property_by_column(local).key)
            if value is None:
                return False
            remote[target] = value
        try:
            identity = [remote[c] for c in rel.mapper.primary_key]
        except KeyError:
            return True
        return rel.mapper.identity_key_from_primary_key(identity) not in \
            self.session.identity_map

    def _flushing(self, action):
        self._in_flushing = True
        try:
            self._flushing_now(action)
        finally:
            self._in_flushing = False
            self._expired_stay_expired()

    def _expired_stay_expired(self):
        """Relate's flush loads nothing that expire() left expired (a deletion needs
        only the key it keeps); SQLAlchemy's loads an expired object it deletes or
        updates. Those columns expire again, as they are in Relate."""
        for o in self.expired.values():
            state = inspect(o)
            keys = [c.key for c in state.mapper.column_attrs if c.key in state.dict]
            if keys:
                state._expire_attributes(state.dict, keys)

    def _flushing_now(self, action):
        # failed-flush-restores
        self.check_usable()
        unloaded_at_start = self.unloaded()
        self._load_for_delete()
        snapshot = self._snapshot()
        plain = {id(o): _plain_state(o) for o in self.runner.objects.values()}
        identities = {id(o): inspect(o).identity for o in self.runner.objects.values()}
        history = {id(o): dict(inspect(o).committed_state) for o in self.runner.objects.values()}
        parents = {id(o): dict(inspect(o).__dict__.get("parents", {}))
                   for o in self.runner.objects.values()}
        statements = self.runner.statements
        committed_before = {id(o): self._committed_columns(o) for o in self.session
                            if inspect(o).persistent}
        in_session = list(self.session)
        pending_before = [o for o in in_session if inspect(o).pending]
        keys_before = self._foreign_keys(in_session)
        outside = {}  # objects-outside-never-written: their column state before
        for o in self.runner.objects.values():
            state = inspect(o)
            if o not in self.session:
                outside[id(o)] = (o, {c.key: state.dict[c.key] for c in state.mapper.column_attrs
                                      if c.key in state.dict},
                                  dict(state.committed_state))
        unloaded_before = self.unloaded()
        queued = [(o, self.queued(o)) for o in self._objects() if inspect(o)._pending_mutations]
        # (an append queued after its object's row went stands: Relate's deleted_before)
        self._deleted_before_flush = {id(o) for o in self._objects() if self.deleted_by_flush(o)}
        self._cascade_deletes_now()
        self._take_out_pending_in_delete_cascade()
        self._unlink_marked_from_collections()
        self._delete_association_rows_outside()
        self.flush_frees = self._flush_frees()
        self._marked_before = self._marked_as_they_are()
        claims = self._parent_claims()
        before_action = {id(o) for o in self.session}
        try:
            with self.tolerant_loads():
                action()
            # remove-not-cancelled-by-link: SQLAlchemy's flush cancels the deletion of
            # an object it finds added to a one-to-many collection (it stays in
            # session.deleted, for the next flush); Relate's deletes it. This flush
            # goes on until it has.
            if self.session.deleted:
                for o in self.session.deleted:  # deleted-keeps-members: as before
                    self._put_back_columns(o, snapshot)
                with self.tolerant_loads():
                    action()
        except Exception:
            self._put_back_claims(claims, flushed=False)
            if self.runner.statements != statements and self._first_write is None:
                self._first_write = self.runner.arrivals
            if not self.session.is_active:
                self._fail(snapshot, identities, history, parents)
                # loads-keep-unflushed-changes: the failure expired SQLAlchemy's queues
                # (appends and all); Relate's stay as they were.
                self._tx_queued.extend(
                    (o, key, added) for o, changes in queued
                    for key, (added, _removed) in changes.items()
                    if added and key not in inspect(o).dict)
            if not self.session.is_active:
                self._unload_loaded_by_failed_flush(unloaded_at_start)
            self._expunge_loaded_by_flush(before_action)
            raise
        self._put_back_claims(claims, flushed=True)
        self._expunge_loaded_by_flush(before_action)
        if self.runner.statements != statements and self._first_write is None:
            self._first_write = self.runner.arrivals
        self._forget_orphaning_of_inserted(pending_before)
        self._detach_displaced()
        self._mirror_on_delete(keys_before)
        self._record_transaction(snapshot, plain, committed_before)
        for o in in_session:
            if self.deleted_by_flush(o):
                self._put_back_columns(o, snapshot)  # deleted-keeps-members
        for o, values, committed in outside.values():  # objects-outside-never-written
            state = inspect(o)
            if o in self.session:
                continue
            for c in state.mapper.column_attrs:
                if c.key in values:
                    state.dict[c.key] = values[c.key]
                else:
                    state.dict.pop(c.key, None)
            state.committed_state.clear()
            state.committed_state.update(committed)
        self._forget_orphaning_outside(pending_before)
        self._leave_relationships(in_session)
        for o, changes in queued:
            self._queue_again(o, changes)
            self._tx_queued.extend(
                (o, key, added) for key, (added, _removed) in changes.items()
                if added and key not in inspect(o).dict)
        self.no_duplicates()
        for o in in_session:
            # association-rows-one-statement, changing-unloaded-relationship-loads: a
            # deleted object's many-to-many and many-to-one relationships that were not
            # loaded before the flush are not loaded after it (Relate's flush does not
            # load them; SQLAlchemy's does).
            state = inspect(o)
            if not self.deleted_by_flush(o):
                continue
            keys = [r.key for r in state.mapper.relationships
                    if r.direction.name in ("MANYTOMANY", "MANYTOONE") and
                    (id(o), r.key) in unloaded_before and r.key in state.dict]
            if keys:
                state._expire_attributes(state.dict, keys)
        self._queue_of_deleted(in_session, queued, unloaded_before)
        self._note_written_queue(queued)

    def _queue_of_deleted(self, in_session, queued, unloaded_before):
        """loads-keep-unflushed-changes, deleted-keeps-members: a deleted object keeps its
        own side of its relationships. Loaded, a collection still holds what it held;
        unloaded, its queue outlives the flush that deletes the object in Relate (a flush
        deletes no queue), and a later load shows what the queue appended, as the loaded
        collection would, on top of rows that are gone. SQLAlchemy's flush loaded a
        many-to-many (and the appends queued since the last flush with it), which
        association-rows-one-statement unloads again, and forgot what an earlier flush
        wrote: both are queued again. An append of an object a flush deleted is void, as
        Relate's load drops it."""
        before = {id(o): changes for o, changes in queued}
        for o in in_session:
            if not self.deleted_by_flush(o):
                continue
            state = inspect(o)
            for r in state.mapper.relationships:
                if not r.uselist or r.key in state.dict or \
                        (id(o), r.key) not in unloaded_before:
                    continue
                added, removed = before.get(id(o), {}).get(r.key, ([], []))
                written = self._queue_written.pop((id(o), r.key), (o, []))[1]
                items = [c for c in written if c not in removed] + list(added)
                pending = state._get_pending_mutation(r.key)
                for item in items:
                    if not self._deleted_here(item) and item not in pending.added_items:
                        pending.append(item)
        # (and the objects this flush deletes leave what was queued so on the collections
        # of objects outside the Session: deleted ones, and detached ones, say by close()
        # since the link, probe 3025)
        for o in self._objects():
            if o in in_session:
                continue
            for pending in inspect(o)._pending_mutations.values():
                for item in [c for c in pending.added_items if self._deleted_here(c)]:
                    pending.added_items.discard(item)

    def _note_written_queue(self, queued):
        """loads-keep-unflushed-changes: what this flush wrote of the queues on unloaded
        collections stays queued in Relate (_queue_written)."""
        for o, changes in queued:
            state = inspect(o)
            if self.deleted_by_flush(o):
                continue
            for key, (added, removed) in changes.items():
                if key in state.dict:
                    self._queue_written.pop((id(o), key), None)
                    continue
                kept = [c for c in self._queue_written.get((id(o), key), (o, []))[1]
                        if c not in removed]
                kept += [c for c in added if c not in kept]
                if kept:
                    self._queue_written[(id(o), key)] = (o, kept)
                else:
                    self._queue_written.pop((id(o), key), None)

    @staticmethod
    def _forget_orphaning_of_inserted(pending_before):
        """A harness correction for SQLAlchemy: a pending child taken out of a
        delete-orphan relationship in the Session (it leaves the Session, on both
        sides) and added again keeps the has-parent flag that says it left its parent; the
        flush inserts it all the same (a pending orphan it did not see orphaned outside
        the Session), and a later flush that finds it dirty deletes it as an orphan,
        though it was written parentless and let go of nothing since (findings.md, ninth
        round, seed 567173). Relate's orphans are the children taken out of a parent
        since the last flush. Once inserted, the flag goes: a removal sets it again."""
        for o in pending_before:
            state = inspect(o)
            if state.persistent:
                for token, parent in list(state.parents.items()):
                    if parent is False:
                        del state.parents[token]

    def _forget_orphaning_outside(self, pending_before):
        """A harness correction for SQLAlchemy (as _forget_orphaning_of_inserted): a parent
        outside the Session that let go of a pending child before the flush inserted it
        keeps that removal in its history, which the flush that writes the parent later
        takes for an orphaning (seed 900866). Relate's does not: the child was transient
        when the parent let go of it, and its row, written since, never named the
        parent. The removal is forgotten."""
        inserted = {id(o) for o in pending_before if inspect(o).persistent}
        if not inserted:
            return
        for holder in self._objects():
            hs = inspect(holder)
            if hs.session_id is not None:
                continue
            for r in hs.mapper.relationships:
                if not r.cascade.delete_orphan or r.key not in hs.committed_state:
                    continue
                committed = hs.committed_state[r.key]
                if r.uselist and isinstance(committed, list):
                    if any(id(c) in inserted for c in committed):
                        hs.committed_state[r.key] = [c for c in committed
                                                     if id(c) not in inserted]
                elif not r.uselist and id(committed) in inserted:
                    hs.committed_state.pop(r.key)

    def _queue_again(self, obj, changes):
        """loads-keep-unflushed-changes: the changes queued on an unloaded collection
        outlive the flush in Relate (a later load still shows a child linked here but
        not flushed); SQLAlchemy's flush forgets them. Objects a flush deleted are left
        out here (_queue_of_deleted queues their collections' appends again)."""
        state = inspect(obj)
        if self.deleted_by_flush(obj):
            return
        for key, (added, removed) in changes.items():
            if key in state.dict:
                continue
            pending = state._get_pending_mutation(key)
            # What the flush wrote, the rows say; what it could not (an object outside
            # the Session), only the queue.
            for item in added:
                if inspect(item).session_id is None and not self._deleted_here(item) \
                        and item not in pending.added_items:
                    pending.append(item)
            for item in removed:
                if inspect(item).session_id is None and item not in pending.deleted_items:
                    pending.remove(item)

    def _marked_as_they_are(self):
        """For _key_back_to_deleted: the attribute values and expired attributes of the
        objects marked by delete(), as the end of the transaction finds them."""
        return {id(o): ({k: (list(v) if isinstance(v, list) else v)
                         for k, v in inspect(o).dict.items() if k in inspect(o).mapper.attrs},
                        set(inspect(o).expired_attributes))
                for o in self.session.deleted}

    def _key_back_to_deleted(self, before):
        """A harness correction for SQLAlchemy (seed 705117): when the transaction is
        undone (rollback(), a failed flush), SessionTransaction._restore_snapshot calls
        _update_impl(revert_deletion=True), that is identity_map.replace(), for each
        state of `set(self._deleted).union(self.session._deleted)`, in the order of a
        set of states (their id()), then expires what the identity map holds. An object
        a flush of the transaction deleted and a detached copy of its row that delete()
        attached since (marked, never written) are both there: whichever comes last
        holds the key, from run to run. Relate's restore_transaction_state gives the key
        back to the object that held it before the transaction's first flush (the copy
        was never journaled), and so does this, leaving both as SQLAlchemy leaves them
        when the set's order happens to do so: the object expired, the copy as it was
        (`before`, from _marked_as_they_are), for _detach_displaced."""
        for o in self._tx_deleted.values():
            state = inspect(o)
            if state.key is None or state.session_id != self.session.hash_key or \
                    getattr(state, "_deleted", False):
                continue
            holder = self.session.identity_map.get(state.key)
            if holder is None or holder is o or id(holder) not in before:
                continue
            self.session.identity_map.replace(state)
            state._expire(state.dict, self.session.identity_map._modified)
            values, expired = before[id(holder)]
            for key, value in values.items():
                if key not in inspect(holder).dict:
                    set_committed_value(holder, key, value)
            inspect(holder).expired_attributes.intersection_update(expired)

    def _detach_displaced(self):
        """A harness correction for SQLAlchemy: an object pushed out of the identity map
        by another that took its key keeps its session reference and reads persistent,
        though `obj in session` is False and its changes are never flushed. It happens
        where rollback() (or a failed flush) undoes a deletion with
        identity_map.replace(), pushing out the object add() put under that key since
        (seed 508134), and where a flush inserts a new object under the key of a
        persistent one whose row is gone (SQLAlchemy warns that it 'conflicts with
        persistent instance'; rollback-restores-values gave the old object its values
        back, so the flush does not reload it and find it deleted; seed 512726). Such an
        object is detached, as Relate's identity map leaves it. Returns id() of each."""
        displaced = [inspect(o) for o in self.runner.objects.values()
                     if inspect(o).persistent and
                     not self.session.identity_map.contains_state(inspect(o))]
        InstanceState._detach_states(displaced, self.session)
        return {id(state.obj()) for state in displaced}

    def _requeue_unwritten(self):
        """loads-keep-unflushed-changes, objects-keep-what-they-show: the transaction
        ends without a commit, so what its flushes wrote is unwritten again. Relate's
        queue on an unloaded collection outlived those flushes (the rows made its
        appends moot): rollback() expires the collections of the objects in the Session,
        queue and all, but an object outside it (detached by close(), or expunged) keeps
        its queue, and a later load shows a child appended there again. SQLAlchemy's
        flush forgot the queue: it is put back."""
        for o, key, added in self._tx_queued:
            state = inspect(o)
            if state.session_id is not None or key in state.dict:
                continue
            pending = state._get_pending_mutation(key)
            for item in added:
                if item not in pending.added_items:
                    pending.append(item)

    def _unlink_marked_from_collections(self):
        """remove-not-cancelled-by-link: an object marked by remove() and linked since the
        last flush into a relationship of an object that remains is deleted, and the
        link is not written. SQLAlchemy's flush cancels the deletion of an object added
        to a one-to-many (writing its changed columns first, which may fail), and writes
        a many-to-many's association row before the DELETE, which the database refuses.
        The link leaves the holder's collection or one-to-one (without events) before
        SQLAlchemy's flush."""
        from sqlalchemy.orm.attributes import get_history
        from sqlalchemy.orm.collections import collection_adapter
        marked = {id(o) for o in self.session.deleted}
        if not marked:
            return
        for holder in list(self.session):
            state = inspect(holder)
            if id(holder) in marked:
                continue
            for r in state.mapper.relationships:
                if r.key not in state.dict or \
                        (r.secondary is None and r.direction.name != "ONETOMANY"):
                    continue
                added = get_history(holder, r.key, passive=True).added or ()
                for item in [o for o in added if o is not None and id(o) in marked]:
                    # (the deleted object keeps its own side: deleted-keeps-members;
                    # undoing the deletion puts it back: deleted-leave-relationships)
                    if r.uselist:
                        index = next(i for i, o in enumerate(state.dict[r.key]) if o is item)
                        self._left_from.append((holder, r.key, item, index))
                        collection_adapter(state.dict[r.key]).remove_without_event(item)
                    else:
                        self._left_from.append((holder, r.key, item, 0))
                        state.dict[r.key] = None
                        if state.committed_state.get(r.key) is None:
                            state.committed_state.pop(r.key, None)

    def _delete_association_rows_outside(self):
        """association-rows-one-statement: Relate deletes every association row of a
        deleted object, whatever the other side; SQLAlchemy deletes those of the objects
        in its loaded collection that are in the Session, and skips (with a warning) an
        object outside it, so the row's foreign key then refuses the DELETE. The rows
        SQLAlchemy will skip are deleted here first, in its transaction.

        Relate's DELETE goes by the deleted object's key and counts no row; SQLAlchemy's
        deletes the rows of the links its history holds as written and counts them. A
        link whose row is not there (written by a flush of a transaction that close()
        or rollback() ended since, on an object outside the Session then) would fail
        SQLAlchemy's flush with StaleDataError: it is taken out of the committed value
        first, so that SQLAlchemy deletes no row for it."""
        from sqlalchemy import and_, not_
        from sqlalchemy.orm.attributes import get_history
        for obj in list(self.session.deleted):
            state = inspect(obj)
            if state.key is None:
                continue
            for r in state.mapper.relationships:
                if r.secondary is None or r.passive_deletes == "all" or r.key not in state.dict:
                    continue
                committed = state.committed_state.get(r.key, state.dict[r.key])
                if committed is not NO_VALUE:
                    connection = self.session.connection()
                    there = [c for c in committed
                             if self._link_row_exists(connection, r, obj, c)]
                    if len(there) != len(committed):
                        state.committed_state[r.key] = there
                history = get_history(obj, r.key, passive=True)
                kept = [c for c in list(history.unchanged or ()) + list(history.deleted or ())
                        if inspect(c).session_id == self.session.hash_key and
                        inspect(c).key is not None]
                where = and_(*[sec == state.dict.get(local.key, state.key[1][0])
                               for local, sec in r.synchronize_pairs])
                for c in kept:
                    cs = inspect(c)
                    where = and_(where, not_(and_(*[
                        sec == cs.dict.get(remote.key) for remote, sec in
                        r.secondary_synchronize_pairs])))
                self.session.connection().execute(r.secondary.delete().where(where))

    def _put_back_columns(self, obj, snapshot):
        """deleted-keeps-members: the columns of an object the flush deletes keep their
        values (SQLAlchemy's flush may null or set its foreign keys first)."""
        if id(obj) not in snapshot:
            return
        state = inspect(obj)
        values = snapshot[id(obj)][1]
        for c in state.mapper.column_attrs:
            if c.key in values and c.key in state.dict and state.dict[c.key] != values[c.key]:
                set_committed_value(obj, c.key, values[c.key])

    def _record_transaction(self, snapshot, plain, committed_before):
        """What this successful flush did, kept until the transaction ends (Relate's
        journal)."""
        for st, values, _marked, o in snapshot.values():
            state = inspect(o)
            before = plain.get(id(o))
            gone = self.deleted_by_flush(o) or id(o) in self.cascaded
            if before == "pending" and (state.key is not None or gone):
                pk = {c.key: values.get(c.key) for c in state.mapper.column_attrs
                      if c.columns[0].primary_key}
                self._tx_inserted.setdefault(id(o), (o, pk))
            elif before == "persistent" and id(o) not in self._tx_inserted:
                if gone:
                    self._tx_deleted.setdefault(id(o), o)
                if id(o) in committed_before and (
                        gone or self._committed_columns(o) != committed_before[id(o)]):
                    self._tx_committed.setdefault(id(o), (o, committed_before[id(o)]))

    # The records of what the flushes of a transaction level did (_record_transaction,
    # _leave_relationships, _mirror_on_delete, the queues), which a savepoint's rollback
    # undoes and its release hands to the enclosing level.
    _LEVEL_RECORDS = ("_tx_inserted", "_tx_deleted", "_tx_committed", "_expunged_written",
                      "_expunged_deleted", "_tx_queued", "_left_from", "_mirrored",
                      "_first_write")

    def _level_records(self):
        return {name: getattr(self, name) for name in self._LEVEL_RECORDS}

    def _absorb(self, outer):
        """Ends the innermost level's records: the enclosing level's record of an
        object is the earlier one, and stays (Relate's end_innermost_savepoint)."""
        for name, value in outer.items():
            inner = getattr(self, name)
            if isinstance(value, dict):
                merged = dict(inner)
                merged.update(value)
                setattr(self, name, merged)
            elif isinstance(value, list):
                setattr(self, name, value + inner)
            else:  # _first_write
                setattr(self, name, value if value is not None else inner)

    def begin_nested(self):
        """session.begin_nested(): Relate's flushes first (a flush of the emulation);
        the savepoint's level starts with empty records, its first write counting from
        now when the transaction has written already."""
        self.check_usable()
        self._flushing(self.session.flush)
        transaction = self.session.begin_nested()
        outer = self._level_records()
        self._end_transaction()
        if outer["_first_write"] is not None:
            self._first_write = self.runner.arrivals
        self.savepoints.append((transaction, outer, set(self.cascaded)))

    def release_nested(self):
        """Savepoint::commit(): flush and release; where that fails (a failed flush, or
        the Session waiting for a rollback), Relate rolls back to the savepoint before
        it throws, as `with session.begin_nested():` does."""
        if not self.savepoints:
            return "nosavepoint"
        transaction, outer, _cascaded = self.savepoints[-1]
        try:
            self.check_usable()
            self._flushing(self.session.flush)
            transaction.commit()
        except Exception:
            self.rollback_nested()
            raise
        self.savepoints.pop()
        self._absorb(outer)
        return None

    def rollback_nested(self):
        if not self.savepoints:
            return "nosavepoint"
        transaction, outer, cascaded = self.savepoints.pop()
        self._roll_back(transaction, cascaded)
        for name, value in outer.items():
            setattr(self, name, value)
        return None

    # ---- refresh, expire, merge ----

    def _check_persistent(self, obj, verb):
        """Relate's expire() and refresh() want an object persistent in this Session
        (one the database's cascade removed is deleted there: on-delete-mirrored)."""
        from sqlalchemy.exc import InvalidRequestError
        self.check_usable()
        if not inspect(obj).persistent or obj not in self.session or id(obj) in self.cascaded:
            raise InvalidRequestError(f"emulated: cannot {verb} an object that is not "
                                      "persistent in this Session")

    def _expire(self, obj):
        """session.expire(obj) and its refresh-expire cascade; notes what Relate shows
        expired."""
        walked = _cascade_objects(obj, "refresh_expire")
        reached = [o for o in walked
                   if o is not obj and inspect(o).persistent and o in self.session]
        # A harness correction for SQLAlchemy: its cascade expires the objects it
        # reaches outside the Session too (detached ones, which then cannot load);
        # Relate's passes over them, as the cascade means to.
        outside = [(o, dict(inspect(o).dict), dict(inspect(o).committed_state))
                   for o in walked if o is not obj and inspect(o).key is not None and
                   not any(o is r for r in reached)]  # (detached, or deleted: seed 1575)
        for o in [obj] + reached:
            if id(o) not in self.expired:  # (expired already: what it held stays)
                self.expired_values[id(o)] = self._committed_columns(o)
        self.session.expire(obj)
        for o, values, committed in outside:
            state = inspect(o)
            if state.expired_attributes or len(state.dict) != len(values):
                state.dict.update(values)
                state.committed_state.clear()
                state.committed_state.update(committed)
                state.expired_attributes.clear()
                state.expired = False
        for o in [obj] + reached:
            self.expired[id(o)] = o
            # loads-keep-unflushed-changes: what Relate queued on its relationships goes
            for k in [k for k in self._queue_written if k[0] == id(o)]:
                del self._queue_written[k]

    def expire(self, obj):
        self._check_persistent(obj, "expire")
        self._expire(obj)

    def refresh(self, obj):
        """Relate's refresh(): the object expired (with its cascade), then a query's
        autoflush, then its row read; a row that is gone takes the object out of the
        Session, transient (refresh-of-gone-row)."""
        self._check_persistent(obj, "refresh")
        committed = self._committed_columns(obj) if id(obj) not in self.expired else None

        def unexpire():
            # Relate's refresh() discards the object's changes first and marks it
            # expired only when it reads the row: when it reads none, the object shows
            # its committed values.
            if committed is None:
                return
            self.expired.pop(id(obj), None)
            state = inspect(obj)
            if state.pending and id(obj) in self._tx_inserted:
                # (pending again: the key the transaction's flush gave it goes,
                # seed 2170)
                committed.update(self._tx_inserted[id(obj)][1])
            for key, value in committed.items():
                if key not in state.dict:
                    set_committed_value(obj, key, value)

        self._expire(obj)
        try:
            self.autoflush(query=True)
        except Exception:
            unexpire()  # (failed-flush-restores)
            raise
        if inspect(obj).deleted:
            # (the autoflush deleted its row: SQLAlchemy's refresh finds none, and the
            # object stays deleted, its members as they were: deleted-keeps-members,
            # seed 94)
            unexpire()
            from sqlalchemy.exc import InvalidRequestError
            raise InvalidRequestError("Could not refresh instance: the autoflush deleted "
                                      "its row")
        self.load_expired(obj, gone_leaves=True)

    def access(self, obj):
        """An access through a Relate handle (set, link, unlink, clear, read): an
        object expire() left expired loads its columns first, after a query's
        autoflush, as SQLAlchemy's load of expired attributes does (the runner's
        autoflush hook is the lazy load's)."""
        if id(obj) not in self.expired:
            return
        state = inspect(obj)
        if self.before_failure is not None and id(obj) in self._pending_again() and \
                id(obj) in self._tx_inserted:
            # failed-flush-restores: pending again, it has no row; Relate's undo settled
            # its expired members (seed 1685 of --session-api)
            values = dict(self.expired_values.get(id(obj), {}))
            values.update(self._tx_inserted[id(obj)][1])
            for k, v in values.items():
                if k not in state.dict:
                    set_committed_value(obj, k, v)
            del self.expired[id(obj)]
            return
        if state.session_id is None:
            from sqlalchemy.orm.exc import DetachedInstanceError
            raise DetachedInstanceError("emulated: an expired object outside the Session")
        self.check_usable()
        self.autoflush(query=True)
        self.load_expired(obj)

    def load_expired(self, obj, gone_leaves=False):
        """Loads the columns of an expired object, and nothing else (the loader options
        of the query that loaded it would load relationships too)."""
        from sqlalchemy.orm.exc import ObjectDeletedError
        state = inspect(obj)
        options = state.load_options
        state.load_options = ()
        try:
            with self.session.no_autoflush:
                self._load_columns(obj)
        except ObjectDeletedError:
            if gone_leaves:
                self._leave_without_row(obj)
            raise
        finally:
            state.load_options = options
        self.expired.pop(id(obj), None)
        self._read_now(obj)

    def _read_now(self, obj):
        """rollback-restores-values: an object read now is read again at a rollback of
        the transaction that has written (Relate's sequence)."""
        self.runner.arrivals += 1
        self._arrived[id(obj)] = self.runner.arrivals

    def _leave_without_row(self, obj):
        """refresh-of-gone-row: Relate's refresh of an object whose row is gone takes it
        out of the Session, transient, its unloaded relationships holding nothing."""
        state = inspect(obj)
        self.runner.expunge_alone(obj)
        InstanceState._detach_states([state], self.session, to_transient=True)
        self.expired.pop(id(obj), None)
        for r in state.mapper.relationships:
            if r.key not in state.dict:
                set_committed_value(obj, r.key, [] if r.uselist else None)

    def merge(self, obj):
        """Relate's merge(): a query's autoflush first, none while merging. An object of
        this Session merges to itself (merge-own-object); a new object's relationship
        never set holds nothing (the runner set it loaded and empty:
        new-relationships-loaded), so it is not merged."""
        self.check_usable()
        self.autoflush(query=True)
        state = inspect(obj)
        if state.session_id == self.session.hash_key and id(obj) not in self.cascaded and \
                not state.deleted:
            return obj  # (one a flush of this transaction deleted merges as SQLAlchemy's:
            # a new pending copy of the row, seed 304 of --session-api)
        hidden = {}
        for o in _cascade_objects(obj, "merge"):
            st = inspect(o)
            if st.key is not None:
                continue
            for r in st.mapper.relationships:
                if r.key in st.dict and r.key not in st.committed_state and \
                        not (list(st.dict[r.key]) if r.uselist else st.dict[r.key]):
                    hidden[(id(o), r.key)] = (o, r.key, st.dict.pop(r.key))
        # Relate's merge finds the Session's object for the key with get(), which loads
        # it if expire() left it expired (SQLAlchemy's copies onto it as it is).
        key = state.key
        if key is None:
            pk = [state.dict.get(state.mapper.get_property_by_column(c).key)
                  for c in state.mapper.primary_key]
            if None not in pk:
                key = state.mapper.identity_key_from_primary_key(pk)
        existing = self.session.identity_map.get(key) if key is not None else None
        if existing is not None and id(existing) in self.expired:
            self.load_expired(existing)
        new_before = set(map(id, self.session.new))
        seen = self.one_to_one_parents_seen()
        children_before = {id(p): c for p, _r, c in self._one_to_one_holders()}
        try:
            with self.session.no_autoflush:
                merged = self.session.merge(obj)
        finally:
            for o, key, value in hidden.values():
                inspect(o).dict[key] = value
        for o in list(self.session.new):
            if id(o) not in new_before:
                self.new_object(o)  # new-relationships-loaded: a copy made new too
        # one-to-one-move-clears: a parent the merge gave a new child clears the old
        # child's reference to it (the source's too), and the parent a child left
        # holds none.
        for parent, r, child in list(self._one_to_one_holders()):
            old = children_before.get(id(parent))
            if old is not None and old is not child:
                self.let_go(old, r.back_populates, parent)
        self.after_change(seen)
        return merged

    def _end_savepoints(self):
        """The Session's commit(), rollback() and close() end every savepoint: their
        records become the transaction's. Returns SQLAlchemy's nested transactions, the
        innermost first."""
        ended = []
        while self.savepoints:
            transaction, outer, _cascaded = self.savepoints.pop()
            self._absorb(outer)
            ended.append(transaction)
        return ended

    def _end_transaction(self):
        self._left_from = []
        self._mirrored = []
        self._tx_inserted = {}
        self._tx_deleted = {}
        self._tx_committed = {}
        self._expunged_written = {}
        self._expunged_deleted = {}
        self._tx_queued = []
        self._first_write = None

    def identity(self, obj):
        """failed-flush-restores: an object that reads as before the failure has the
        identity it had (SQLAlchemy's failure took the identity of the rows the
        transaction inserted, also from objects expunged since)."""
        if self.before_failure is not None and id(obj) in self.before_failure and \
                self._after_failure.get(id(obj)) == _plain_state(obj) and \
                self.before_failure[id(obj)][0] in ("persistent", "deleted", "detached"):
            return self._identity_before.get(id(obj))
        return inspect(obj).identity

    def _fail(self, snapshot, identities, history, parents):
        """failed-flush-restores: after a failed flush, every object's member values
        are as before it, and its state and generated key as before the transaction's
        first flush (the database kept none of its flushes): an object an earlier flush
        inserted is pending again (transient, if expunged since), with the key it had
        before; one an earlier flush deleted is persistent again."""
        adjusted = {}
        self._key_back_to_deleted(self._marked_before)
        displaced = self._detach_displaced()
        for k, (st, values, marked, o) in snapshot.items():
            if id(o) in displaced:
                st = "detached"  # (its key went back to the object whose row it was)
            elif st in ("persistent", "deleted", "detached") and k in self._tx_inserted:
                # Expunged since (detached): out of the Session, and without a row.
                st = "transient" if st == "detached" else "pending"
                values = dict(values)
                values.update(self._tx_inserted[k][1])
            elif st == "deleted" and k in self._tx_deleted:
                st = "persistent"
            adjusted[k] = (st, values, marked, o)
        self.before_failure = adjusted
        self._identity_before = identities
        self._restore_new_objects()
        # The database kept none of the transaction's flushes: a row a flush deleted is
        # back, and the object expunged since is no longer deleted (the correction
        # rollback() makes, made at the failure, as Relate's restore does: seed 27007).
        for o in self._expunged_deleted.values():
            if inspect(o).session_id is None:
                inspect(o)._deleted = False
        # What was changed and not flushed stays so (the failure expired it): close()
        # leaves the objects with those changes, written when they are added again
        # (objects-keep-what-they-show).
        for k, (st, v, m, o) in adjusted.items():
            state = inspect(o)
            if state.transient or not history.get(k):
                continue
            for key, original in history[k].items():
                state.committed_state.setdefault(key, original)
            state._modified_event(state.dict, None, None)
        # ... and so do the has-parent flags (the failure's expiry dropped them): a child
        # taken out of a delete-orphan relationship before the failed flush is still
        # an orphan, deleted by the next flush that writes it, as Relate's is (its
        # orphans are the children taken out since the last flush that succeeded).
        for k, (st, v, m, o) in adjusted.items():
            state = inspect(o)
            if parents.get(k) and "parents" not in state.__dict__:
                state.parents.update(parents[k])
        # on-delete-mirrored: the objects the database's cascade removed are back.
        self._rows_back()
        for o in self.cascaded.values():
            if not inspect(o).transient and o not in self.session:
                inspect(o)._deleted = False
                self.runner.add_alone(o)
        back = set(self.cascaded)
        self.cascaded = {}
        for k, (st, v, m, o) in adjusted.items():
            if st in ("pending", "persistent") and k in self._tx_deleted.keys() | back:
                back.add(k)
        self.gone -= back
        self._left -= back
        # The objects the failure took out of the Session are back in it, pending (as
        # Relate's are), so that what links them cascades as in Relate.
        self._readded = [o for st, v, m, o in adjusted.values()
                         if st in ("pending", "persistent", "deleted") and
                         inspect(o).transient]
        for o in self._readded:
            self.runner.add_alone(o)
        self._undo_mirror()
        # What the failure left: while an object stays so, it reads as before.
        self._put_back_left()
        self._after_failure = {k: _plain_state(o) for k, (st, v, m, o) in adjusted.items()}

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
                        for i in reversed(range(len(value))):
                            if id(value[i]) in gone_ids:
                                self._left_from.append((holder, r.key, value[i], i))
                        set_committed_value(holder, r.key,
                                            [o for o in value if id(o) not in gone_ids])
                elif value is not None and id(value) in gone_ids:
                    self._left_from.append((holder, r.key, value, 0))
                    set_committed_value(holder, r.key, None)

    def _put_back_left(self):
        """deleted-leave-relationships: undoing the transaction undoes its deletions,
        and the objects go back to the loaded relationships they left, where they were
        (most recent first); not into a reference set since, nor twice."""
        for holder, key, obj, index in reversed(self._left_from):
            state = inspect(holder)
            if key not in state.dict or inspect(obj).deleted or id(obj) in self.gone:
                continue
            value = state.dict[key]
            if state.mapper.relationships[key].uselist:
                if any(o is obj for o in value):
                    continue
                rel = state.mapper.relationships[key]
                if rel.direction.name == "ONETOMANY" and \
                        not self._pairs_match(holder, obj, rel.local_remote_pairs):
                    # A link whose foreign key does not say so (the holder's row went
                    # with the transaction that inserted it: seed 905380) is history,
                    # written by the next flush, as Relate's put-back makes it.
                    if key not in state.committed_state:
                        state.committed_state[key] = list(value)
                    list.insert(value, min(index, len(value)), obj)
                    state._modified_event(state.dict, None, None)
                    continue
                # (as it was: no change of the collection's history)
                list.insert(value, min(index, len(value)), obj)
                original = state.committed_state.get(key)
                if isinstance(original, list) and not any(o is obj for o in original):
                    original.insert(min(index, len(original)), obj)
            elif value is None and self._key_refers(holder, key, obj):
                state.dict[key] = obj
        self._left_from = []

    @staticmethod
    def _key_refers(holder, key, obj):
        """deleted-leave-relationships: a many-to-one goes back only where the holder's
        foreign key (as its members show) still refers to the object."""
        rel = inspect(holder).mapper.relationships[key]
        if rel.direction.name != "MANYTOONE":
            return True
        return SqlAlchemyEmulation._pairs_match(holder, obj, rel.local_remote_pairs)

    @staticmethod
    def _pairs_match(holder, other, pairs):
        """Whether the members of `holder` and `other` hold the same values, none NULL,
        for each (holder's column, other's column) of a relationship's local_remote_pairs:
        one side's foreign key names the other's key."""
        holder_mapper, other_mapper = inspect(holder).mapper, inspect(other).mapper
        for local, remote in pairs:
            mine = inspect(holder).dict.get(holder_mapper.get_property_by_column(local).key)
            theirs = inspect(other).dict.get(other_mapper.get_property_by_column(remote).key)
            if mine is None or mine != theirs:
                return False
        return True

    def _held(self, obj, column):
        """What a column member of Relate's object holds: an expired one its last value."""
        state = inspect(obj)
        if column in state.dict:
            return state.dict[column]
        if id(obj) in self.expired:
            return self.expired_values.get(id(obj), {}).get(column)
        return None

    def _foreign_keys(self, objects):
        """The foreign key columns of persistent objects: {id(o): (o, {column: value})};
        an expired one's as its members hold them (seed 1153 of --session-api)."""
        from schema import MODELS
        out = {}
        for o in objects:
            state = inspect(o)
            if state.persistent:
                table = MODELS[type(o).__name__].table
                out[id(o)] = (o, {c: self._held(o, c) for fk in table.foreign_keys
                                  for c in fk.columns})
        return out

    def _mirror_on_delete(self, keys_before):
        """on-delete-mirrored: the objects of the Session whose rows the database's ON
        DELETE removed or changed, when this flush deleted the rows they referred to,
        follow, as in Relate (an object that came into the Session after such a flush
        keeps what it shows). The foreign keys set to NULL are recorded, for an undo,
        and so are those SQLAlchemy's flush nulled itself because their row went."""
        from schema import MODELS
        from sqlalchemy import text
        connection = self.session.connection()
        deleted = {(MODELS[type(o).__name__].table.name, tuple(inspect(o).identity))
                   for o in self.runner.objects.values()
                   if self._deleted_here(o) and inspect(o).identity is not None}
        for o, values in keys_before.values():
            state = inspect(o)
            if not state.persistent:
                continue
            for fk in MODELS[type(o).__name__].table.foreign_keys:
                before = tuple(values.get(c) for c in fk.columns)
                if (fk.referred_table, before) in deleted and \
                        all(state.dict.get(c) is None for c in fk.columns):
                    self._mirrored.extend((o, c, values[c], None) for c in fk.columns)
        done = set()
        while True:
            found = None
            for obj in list(self.runner.objects.values()):
                state = inspect(obj)
                if not state.persistent or id(obj) in done:
                    continue
                table = MODELS[type(obj).__name__].table
                actions = [fk for fk in table.foreign_keys
                           if fk.ondelete in ("CASCADE", "SET NULL") and
                           (fk.referred_table,
                            tuple(self._held(obj, c) for c in fk.columns)) in deleted]
                if actions:
                    found = (obj, table, actions)
                    break
            if found is None:
                return
            obj, table, actions = found
            state = inspect(obj)
            done.add(id(obj))
            where = " AND ".join(f'"{c}" = :k{i}' for i, c in enumerate(table.primary_key))
            params = {f"k{i}": v for i, v in enumerate(state.key[1])}
            columns = [c for fk in actions for c in fk.columns]
            row = connection.execute(text(
                "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{table.name}" '
                "WHERE " + where), params).first()
            if row is None:
                deleted.add((table.name, tuple(state.key[1])))
                self.runner.expunge_alone(obj)
                # As SQLAlchemy leaves an object its flush deleted: no cascade or add()
                # takes it back (Relate refuses such an object too).
                state._deleted = True
                self.cascaded[id(obj)] = obj
                self.gone.add(id(obj))
                continue
            for column, value in zip(columns, row):
                if value is None and state.dict.get(column) is not None:
                    self._mirrored.append((obj, column, state.dict[column], None))
                    set_committed_value(obj, column, None)

    def _undo_mirror(self, outside_only=False):
        """on-delete-mirrored, bulk-write-in-flush: undoing the transaction (close(), a
        failed flush) undoes what its statements did to members, the database's SET NULL
        and the values a bulk write or upsert brought: a member that still shows what
        the statement set reads what it did before, as Relate's does (rollback() loads
        the rows of the objects in the Session: `outside_only`)."""
        for obj, column, before, value in reversed(self._mirrored):
            state = inspect(obj)
            if outside_only and obj in self.session:
                continue
            if column in state.dict and state.dict[column] == value:
                set_committed_value(obj, column, before)
        self._mirrored = []

    def _restore_new_objects(self):
        """Puts back the column values the failed flush changed (and the keys earlier
        flushes generated), and the relationships it expired, as Relate does."""
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
                if r.key not in values:
                    continue
                if r.key not in state.dict:
                    set_committed_value(obj, r.key, values[r.key])
                    continue
                now = state.dict[r.key]
                if (list(now) if r.uselist else now) != values[r.key]:
                    # what the emulation changed before the flush (remove-not-cancelled-
                    # by-link) goes back with it
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

    def bulk(self, statement, refresh=None):
        """bulk-write-in-flush: Relate's Session flushes, then runs a bulk UPDATE,
        DELETE or upsert as part of that flush, so a statement that fails is a failed
        flush (the Session wants rollback()); SQLAlchemy's Session runs it apart and
        stays usable. Here it runs inside the flush's own subtransaction, which a
        failure rolls back as a failed flush does. The objects it deleted then leave
        relationships and cascade in the database as a flush's do.
        upsert-shows-rows: after an upsert Relate's held objects of the row show it
        (`refresh`: model, column, value); SQLAlchemy 1.4 runs it as a Core statement
        and leaves them as they were."""
        result = {}
        self._flushing(self.session.flush)  # (apart: what it inserts has its snapshot)
        unsynchronizing = \
            statement.get_execution_options().get("synchronize_session", True) is False
        unsynchronized = {id(o) for o in self.session if inspect(o).persistent} \
            if unsynchronizing else set()
        if unsynchronizing:
            self.stale_outside |= {id(o) for o in self.runner.objects.values()
                                   if inspect(o).detached}
        columns_before = {id(o): (o, dict(self._load_columns(o))) for o in self._objects()
                          if inspect(o).persistent and id(o) not in self.expired}

        def action():
            self.session.flush()
            if "ran" in result:
                return
            result["ran"] = True
            transaction = self.session.begin(_subtrans=True)
            try:
                rows = self.session.execute(statement)
                if refresh is None:
                    result["rows"] = rows.rowcount
                transaction.commit()
            except Exception:
                transaction.rollback(_capture_exception=True)
                raise

        self._flushing(action)
        self.unsynchronized |= unsynchronized
        if refresh is not None:
            model, column, value = refresh
            for o in self.runner.objects.values():
                if isinstance(o, model) and inspect(o).persistent and \
                        inspect(o).dict.get(column) == value:
                    self.session.refresh(o, [c.key for c in inspect(o).mapper.column_attrs])
        # What the statement brought into the objects, for an undo (Relate's
        # SessionImpl::session_set_).
        for o, before in columns_before.values():
            if not inspect(o).persistent:
                continue
            after = self._load_columns(o)
            self._mirrored.extend((o, k, v, after[k]) for k, v in before.items()
                                  if after.get(k) != v)
        return None if refresh is not None else {"rows": result["rows"]}

    def commit(self):
        # The flush first (failed-flush-restores, on-delete-mirrored need it apart).
        self._flushing(self.session.flush)
        # (1.4's commit() releases only the innermost savepoint; Relate's commits)
        for transaction in self._end_savepoints():
            transaction.commit()
        self.session.commit()
        # no-expire-on-commit: with expire_on_commit=False SQLAlchemy 1.4 also leaves
        # the deleted objects attached (state deleted) after commit; with its default it
        # detaches them, as Relate does (docs/sqlalchemy.md: "commit() flushes, then
        # commits. Deleted objects become detached"), also those no handle names.
        held = list(self.held.values()) + list(self.runner.objects.values())
        deleted = list({id(o): inspect(o) for o in held if inspect(o).deleted}.values())
        InstanceState._detach_states(deleted, self.session)
        self.cascaded = {}
        self.cascaded_expunged = {}  # deleted for good, as Relate's was_deleted
        self._end_transaction()

    def _written_as_they_show(self, objects):
        """objects-keep-what-they-show: objects the end of the transaction made transient
        keep their relationships, and a flush that inserts them again writes them
        (SQLAlchemy takes the links of the rolled-back flush as written). What they let
        go of since that flush is no removal any more: they have no row, so nothing was
        theirs (SQLAlchemy's flush would delete a one-to-one child they let go of as an
        orphan, though its row never named them). A reference let go of is the
        exception: the object's own row holds it, and the rolled-back flush left its key
        in the foreign key columns; written as it shows, the row holds NULL (the removal
        stays, and the flush clears the columns)."""
        for o in objects:
            state = inspect(o)
            if not state.transient:
                continue
            for r in state.mapper.relationships:
                if r.key not in state.dict:
                    continue
                value = state.dict[r.key]
                if (r.uselist and len(value)) or (not r.uselist and value is not None):
                    state.committed_state[r.key] = NO_VALUE
                    state._modified_event(state.dict, None, None)
                elif r.direction.name != "MANYTOONE":
                    state.committed_state.pop(r.key, None)

    def rollback(self):
        self._end_savepoints()
        self._roll_back()

    def _roll_back(self, nested=None, cascaded_before=frozenset()):
        """rollback(), or with `nested` (SQLAlchemy's nested transaction) the rollback
        to a savepoint, which Relate undoes as a rollback of the transaction, for what
        the savepoint's level did: the records of that level, the objects the
        database's cascade removed since it began (not those in `cascaded_before`);
        objects read since its first write are read again, within the transaction."""
        committed = {id(o): self._committed_columns(o) for o in self.runner.objects.values()
                     if inspect(o).persistent}
        pending_again = self._pending_again()
        # (an object expunged after the failure and attached again since stays)
        self._expunged_after_failure = [o for o in self._expunged_after_failure
                                        if inspect(o).session_id is None]
        # (its columns and loaded relationships, as Relate's rollback() leaves an object
        # outside the Session: seed 731374)
        kept = {id(o): {a.key: (list(v) if isinstance(v, list) else v)
                        for a in inspect(o).mapper.attrs if a.key in inspect(o).dict
                        for v in (inspect(o).dict[a.key],)}
                for o in self._expunged_after_failure}
        written = set(self._tx_inserted) | set(self._tx_deleted) | set(self._tx_committed)
        # loads-keep-unflushed-changes: rollback() expires the collections of the
        # objects in the Session, queue and all (_queue_written).
        self._queue_written = {k: v for k, v in self._queue_written.items()
                               if inspect(v[0]).session_id is None}
        marked = self._marked_as_they_are()
        if nested is not None:
            nested.rollback()
        elif self.session._transaction is not None:
            # (1.4's rollback() ends only the innermost savepoint; Relate's all)
            through = self._through_savepoints()
            self.session._transaction.rollback(_to_root=True)
            through()
        self.removed = set()  # (what remove() marked is unmarked, as in Relate)
        self._key_back_to_deleted(marked)
        self._detach_displaced()
        # A harness correction for SQLAlchemy: an object a flush of the transaction
        # deleted and that was expunged since keeps its deleted flag, though its row is
        # back (add() and the cascade then refuse it as deleted); Relate's rollback
        # clears it, as SQLAlchemy's does for the objects in its Session.
        for o in self._expunged_deleted.values():
            if inspect(o).session_id is None:
                inspect(o)._deleted = False
        for o in self._readded:  # failed-flush-restores: they become transient now
            if inspect(o).pending:
                self.runner.expunge_alone(o)
        self._readded = []
        for o in self._expunged_after_failure:
            if o in self.session:
                self.runner.expunge_alone(o)
                # (and SQLAlchemy's rollback expired it meanwhile: it keeps its values
                # and loaded relationships)
                for key, value in kept.get(id(o), {}).items():
                    if key not in inspect(o).dict:
                        set_committed_value(o, key, value)
        self._expunged_after_failure = []
        self.before_failure = None
        self._rows_back()
        undone = {k: o for k, o in self.cascaded.items() if k not in cascaded_before}
        for obj in undone.values():  # on-delete-mirrored: deletions are undone
            inspect(obj)._deleted = False
            if not inspect(obj).transient:
                self.runner.add_alone(obj)
        self.gone -= set(undone)
        self.cascaded = {k: o for k, o in self.cascaded.items() if k in cascaded_before}
        # deleted-leave-relationships: an object whose deletion is undone (or that the
        # rollback made transient, to be inserted again) leaves the relationships
        # again when a flush deletes it again.
        # (and one expunged since, whose row is back too)
        self._left = {k for k in self._left if k not in self._tx_deleted and
                      k not in self._tx_inserted and k not in self._expunged_deleted}
        # rollback-restores-values, also for the objects back from the database's
        # cascade (SQLAlchemy's rollback does not expire what is not in the Session).
        self.session.expire_all()  # what rollback() does, also after a failed flush
        # rollback-restores-values: Relate's objects read their committed values at
        # once; SQLAlchemy's expired ones load them now (what they would load anyway).
        for obj in self.runner.objects.values():
            state = inspect(obj)
            if state.persistent and state.expired_attributes:
                if id(obj) in self.expired and not self._read_again(obj, written):
                    continue  # Relate's rollback leaves it expired
                self.expired.pop(id(obj), None)  # (read again, or never expired)
                try:
                    self._load_columns(obj)
                except Exception:
                    # (an object a flush of the transaction wrote: its values before
                    # that flush, as Relate's journal keeps them; seed 824409)
                    self._row_gone(obj, self._tx_committed[id(obj)][1]
                                   if id(obj) in self._tx_committed
                                   else committed.get(id(obj), {}), written)
        self._undo_mirror(outside_only=True)
        self._written_as_they_show(o for o, _pk in self._tx_inserted.values())
        self._detached_show_what_they_wrote()
        self._forget_deletion_of_transient()
        self._put_back_left()
        self._link_rows_as_kept()
        self._requeue_unwritten()
        self._settle_expired(pending_again)
        if pending_again:
            self._transient_hold_their_children()
        self._queued_links_stay()
        if nested is None:
            # (a savepoint's rollback reads them again within the transaction, whose
            # own rollback reads them again: Relate's discard_unflushed)
            self.unsynchronized = set()
            self._end_transaction()

    def _through_savepoints(self):
        """A harness correction for SQLAlchemy: rolling back through savepoints, 1.4
        expires the objects changed since the innermost one began, and then makes the
        transaction's new objects transient, expired and unreadable; its rollback of
        the transaction alone leaves such an object its values (what Relate's rollback
        leaves it: objects-keep-what-they-show). Returns what puts those back, after."""
        if not self.session._transaction.nested:
            return lambda: None
        kept = {id(o): (o, dict(inspect(o).dict), dict(inspect(o).committed_state),
                        dict(inspect(o).__dict__.get("parents", {})))
                for o in self._objects()}

        def put_back():
            for o, values, committed, parents in kept.values():
                state = inspect(o)
                if not state.transient or not state.expired_attributes:
                    continue
                for key, value in values.items():
                    state.dict.setdefault(key, value)
                for key, value in committed.items():
                    state.committed_state.setdefault(key, value)
                state.expired_attributes.clear()
                state.expired = False
                if parents and "parents" not in state.__dict__:
                    state.parents.update(parents)
        return put_back

    def _read_again(self, obj, written):
        """rollback-restores-values: Relate reads again at rollback the objects it read
        after the level's first write (and no flush of it wrote)."""
        arrived = self._arrived.get(id(obj))
        return self._first_write is not None and arrived is not None and \
            arrived > self._first_write and id(obj) not in written

    def _row_gone(self, obj, committed, written):
        """rollback-restores-values, for an object whose row is gone after the rollback
        (its row was deleted behind it, or inserted by the transaction through another
        object): Relate gives it back its committed values; if it was attached or
        loaded after the transaction's first statement (and no flush wrote it), it reads
        its row again, finds none, and becomes transient. SQLAlchemy leaves it expired
        and unreadable."""
        state = inspect(obj)
        if self._read_again(obj, written) or id(obj) in self.unsynchronized:
            self.runner.expunge_alone(obj)
            InstanceState._detach_states([state], self.session, to_transient=True)
            for key, value in committed.items():
                state.dict[key] = value
            # (with no row, its relationships that were not loaded hold nothing, as
            # Relate's reload leaves them: seeds 1404, 7893 of the bulk round)
            for rel in state.mapper.relationships:
                if rel.key not in state.dict:
                    set_committed_value(obj, rel.key, [] if rel.uselist else None)
            return
        for key, value in committed.items():
            set_committed_value(obj, key, value)

    def _forget_deletion_of_transient(self):
        """A harness correction for SQLAlchemy: an object the transaction inserted and
        deleted is transient after the rollback, but keeps its `deleted` flag; added and
        flushed again, it then reads `deleted`."""
        for o in self.runner.objects.values():
            state = inspect(o)
            if state.transient:
                state._deleted = False

    def close(self):
        self._end_savepoints()  # (session.close() ends SQLAlchemy's)
        pending_again = self._pending_again()
        if self.before_failure is not None:
            self._restore_expired()
        # The objects a flush of the transaction deleted, also those no handle names (a
        # row's copy a delete cascade loaded: probe 13120), and those whose state the
        # close() itself turns from deleted to detached (probe 13216).
        candidates = {id(o): o for o in self.held.values()}
        candidates.update((id(o), o) for o in self.runner.objects.values())
        deleted_before = {k for k, o in candidates.items() if inspect(o).deleted}
        self.session.close()
        self.removed = set()  # (what remove() marked is unmarked, as in Relate)
        self.unsynchronized = set()
        self._readded = []
        self._expunged_after_failure = []
        self.before_failure = None
        self._rows_back()
        for o in self.cascaded.values():
            inspect(o)._deleted = False
        self.gone -= set(self.cascaded)
        self.cascaded = {}
        # (and one expunged since, whose row is back too)
        self._left = {k for k in self._left if k not in self._tx_deleted and
                      k not in self._tx_inserted and k not in self._expunged_deleted}
        # SQLAlchemy 1.4's close() leaves the objects deleted by a flush of the
        # rolled-back transaction reading `deleted` (their session reference stays);
        # they are detached, as close() documents. (A harness correction for
        # SQLAlchemy, not a difference of Relate's.)
        deleted = [inspect(o) for o in candidates.values()
                   if inspect(o).deleted or id(o) in deleted_before]
        InstanceState._detach_states(deleted, self.session)
        for state in deleted:  # (and their rows are back: not deleted)
            state._deleted = False
        for o in self._expunged_deleted.values():  # (as in rollback())
            inspect(o)._deleted = False
        # close-ends-transaction: the objects a flush of the transaction inserted have
        # no row: transient (SQLAlchemy leaves them detached, with that row's identity).
        inserted = [inspect(o) for o, _pk in self._tx_inserted.values()
                    if not inspect(o).transient]
        InstanceState._detach_states(inserted, self.session, to_transient=True)
        self._undo_mirror()
        self._written_as_they_show(o for o, _pk in self._tx_inserted.values())
        self._detached_show_what_they_wrote()
        self._forget_deletion_of_transient()
        self._put_back_left()
        self._link_rows_as_kept()
        self._requeue_unwritten()
        self._settle_expired(pending_again)
        if pending_again:
            self._transient_hold_their_children()
        self._queued_links_stay()
        self._end_transaction()

    def _detached_show_what_they_wrote(self):
        """objects-keep-what-they-show: the rows a flush of the ended transaction
        updated are as before it; a detached object that flush wrote (expunged since,
        or detached by close()) writes what its members show when it is added again."""
        for o, committed in list(self._tx_committed.values()) + \
                list(self._expunged_written.values()):
            state = inspect(o)
            if not state.detached:
                continue
            for key, value in committed.items():
                if key in state.dict and state.dict[key] != value and \
                        key not in state.committed_state:
                    state.committed_state[key] = value
                    state._modified_event(state.dict, None, None)

    def _link_rows_as_kept(self):
        """objects-keep-what-they-show, for link rows: after close() (or a rollback,
        for the objects outside the Session) a detached object's many-to-many history
        still holds, as committed, the links as the flushes of the ended transaction
        left them, though the rollback put their rows back as before it. SQLAlchemy then
        deletes a row that is not there (one a flush inserted, taken out since), inserts
        one that is there again (one a flush deleted, linked again) and leaves alone
        those its collection lost before that flush. Relate writes the rows as the
        collection shows. The committed value becomes the links whose rows exist."""
        with self.runner.engine.connect() as connection:
            for o in self.runner.objects.values():
                state = inspect(o)
                if not state.detached:
                    continue
                for r in state.mapper.relationships:
                    if r.secondary is None or r.key not in state.dict:
                        continue
                    # (one object per row, the collection's own first: a copy of a row
                    # that a load made, which no handle names, is that row; probes
                    # 1048, 98)
                    candidates = {}
                    for c in list(state.dict[r.key]) + list(self.runner.objects.values()) + \
                            list(self.held.values()):
                        if isinstance(c, r.mapper.class_):
                            candidates.setdefault(inspect(c).key or id(c), c)
                    rows = [c for c in candidates.values()
                            if self._link_row_exists(connection, r, o, c)]
                    committed = state.committed_state.get(r.key, NO_VALUE)
                    if committed is NO_VALUE:
                        shown = list(state.dict[r.key])
                        if {id(c) for c in shown} == {id(c) for c in rows}:
                            continue
                        state.committed_state[r.key] = rows
                        state._modified_event(state.dict, None, None)
                    elif isinstance(committed, list):
                        committed[:] = rows

    @staticmethod
    def _link_row_exists(connection, rel, parent, child):
        from sqlalchemy import and_, select
        conditions = []
        for pairs, obj in ((rel.synchronize_pairs, parent),
                           (rel.secondary_synchronize_pairs, child)):
            mapper = inspect(obj).mapper
            for column, link_column in pairs:
                value = inspect(obj).dict.get(mapper.get_property_by_column(column).key)
                if value is None:
                    return False
                conditions.append(link_column == value)
        return connection.execute(
            select(rel.secondary).where(and_(*conditions))).first() is not None

    def state(self, obj):
        if self.before_failure is not None and id(obj) in self.before_failure and \
                self._after_failure.get(id(obj)) == _plain_state(obj):
            return self.before_failure[id(obj)][0]
        if id(obj) in self.cascaded:
            return "deleted"  # on-delete-mirrored
        return _plain_state(obj)

    def deleted_by_flush(self, obj):
        """deleted-leave-relationships: objects a flush deleted."""
        return inspect(obj).was_deleted or id(obj) in self.gone

    def _deleted_here(self, obj):
        """loads-keep-unflushed-changes: an object the flush running now deleted (a queued
        append of it is void; one of an object deleted before, queued since, stands, as
        Relate's queue keeps it: seed 801264)."""
        return self.deleted_by_flush(obj) and id(obj) not in self._deleted_before_flush

    def expired_value(self, obj, key):
        """failed-flush-restores: the value an attribute expired by a failed flush had;
        and for an object the transaction inserted, pending again, the value an
        attribute expire() expired had (Relate's undo settles it: _settle_expired)."""
        if self.before_failure is not None and id(obj) in self.before_failure:
            values = self.before_failure[id(obj)][1]
            if key in values:
                return True, values[key]
        if self.before_failure is not None and id(obj) in self.expired and \
                id(obj) in self._pending_again() and id(obj) in self._tx_inserted:
            values = dict(self.expired_values.get(id(obj), {}))
            values.update(self._tx_inserted[id(obj)][1])
            if key in values:
                return True, values[key]
        return False, None

    def _transient_hold_their_children(self):
        """objects-keep-what-they-show: an object whose insert the rollback undid has
        no row, so Relate's relationships of it that were not loaded hold what was
        linked to them since (settle_unloaded). SQLAlchemy's collection of an object a
        failed flush left without a row forgets what was linked before a later
        link (a harness correction for SQLAlchemy; seed 393 of --session-api): the
        children whose reference names it are its collection, in the order they
        were made."""
        objects = sorted(self.runner.objects.items())
        for _h, obj in objects:
            state = inspect(obj)
            if not state.transient or id(obj) not in self._tx_inserted:
                continue
            for r in state.mapper.relationships:
                if not r.uselist or not r.back_populates or r.direction.name != "ONETOMANY" \
                        or r.key not in state.dict:
                    continue
                held = list(state.dict[r.key])
                children = [o for _k, o in objects if o is not obj and
                            isinstance(o, r.mapper.class_) and
                            inspect(o).dict.get(r.back_populates) is obj]
                if any(c not in held for c in children):
                    # (what SQLAlchemy still queues for the collection is among them)
                    state._pending_mutations.pop(r.key, None)
                    set_committed_value(obj, r.key,
                                        children + [c for c in held if c not in children])

    def _queued_links_stay(self):
        """objects-keep-what-they-show: an object whose insert the rollback undid has no
        row; a collection of it that was not loaded holds what was linked to it since
        (Relate's settle_without_row), which SQLAlchemy keeps queued on the unloaded
        attribute (seed 2397 of --session-api)."""
        for obj in list(self.runner.objects.values()):
            state = inspect(obj)
            if not state.transient or id(obj) not in self._tx_inserted:
                continue
            for r in state.mapper.relationships:
                if r.uselist and r.key not in state.dict and \
                        r.key in state._pending_mutations:
                    # (the queued items join it; a queued removal takes out nothing from
                    # an empty collection, where SQLAlchemy's list.remove would raise
                    # ValueError: seed 810228 of --session-api)
                    state._pending_mutations[r.key].deleted_items.clear()
                    set_committed_value(obj, r.key, [])

    def _pending_again(self):
        """The objects a failed flush reports pending again (failed-flush-restores)."""
        return {k for k, v in (self.before_failure or {}).items() if v[0] == "pending"}

    def _settle_expired(self, pending_again):
        """objects-keep-what-they-show: an expired object that the end of its
        transaction made transient (its insert rolled back) has no row to load from;
        Relate's members keep what they held while expired (its last flushed values),
        and it is expired no more. SQLAlchemy leaves the attributes expired and
        unreadable (seeds 29, 38, 60 of --session-api). One a failed flush made
        pending again (`pending_again`) has the key it had before the transaction
        first (failed-flush-restores; seeds 393, 562)."""
        for key in list(self.expired):
            obj = self.expired[key]
            state = inspect(obj)
            if not state.transient:
                continue
            values = dict(self.expired_values.get(key, {}))
            if key in pending_again and key in self._tx_inserted:
                values.update(self._tx_inserted[key][1])
            for k, v in values.items():
                if k not in state.dict:
                    set_committed_value(obj, k, v)
            del self.expired[key]

    def hold(self):
        """identity-map-holds: a Relate Session keeps its objects alive; SQLAlchemy's
        identity map is weak. Called after every step."""
        if self.session is not None:
            self.held.update((id(o), o) for o in self.session)
        # What SQLAlchemy loaded of them on its own (a delete's cascade, a backref's
        # old value) stays expired in Relate.
        self._expired_stay_expired()

    def loaded_by_query(self):
        """An expired object a query returned took its row's values, and was read
        now (Relate's fill_expired)."""
        self._filled_by_load(self.expired.values())
        # loads-keep-unflushed-changes: a load applied Relate's queue (_queue_written).
        for k, (o, _added) in list(self._queue_written.items()):
            if k[1] in inspect(o).dict:
                del self._queue_written[k]

    def _filled_by_load(self, returned):
        """The expired objects a statement returned (a query's, or a lazy load's: seed 94
        of --session-api) took their rows' values, as Relate's fill_expired does."""
        for o in [o for o in returned if o is not None]:
            state = inspect(o)
            if id(o) in self.expired and \
                    not any(c.key not in state.dict for c in state.mapper.column_attrs):
                del self.expired[id(o)]
                self._read_now(o)

    def marked(self):
        if self.before_failure is not None:
            return {id(o) for s, v, m, o in self.before_failure.values() if m}
        return {id(o) for o in self.session.deleted}

    def old_one_to_one_child(self, obj, key, target):
        """one-to-one-move-clears: the child the parent held before `obj.key = target`
        gives it a new one from the child's side; changing-unloaded-relationship-loads:
        Relate loads it first (the parent in a Session), as SQLAlchemy does for a
        one-to-one."""
        rel = inspect(obj).mapper.relationships[key]
        if rel.direction.name != "MANYTOONE" or not rel.back_populates or target is None:
            return None
        back = rel.mapper.relationships[rel.back_populates]
        if back.uselist:
            return None
        if back.key not in inspect(target).dict and inspect(target).session_id is not None:
            self.load(target, back.key)
        old = inspect(target).dict.get(back.key)
        return old if old is not obj else None

    @staticmethod
    def let_go(old, key, parent):
        """one-to-one-move-clears: the old child of a one-to-one parent given a new child
        points at the parent no more (a change, as Relate's, without back reference
        events: the parent holds its new child)."""
        if old is None:
            return
        state = inspect(old)
        if key in state.dict:
            if state.dict[key] is not parent:
                return
        else:
            # Unloaded (say expired by a rollback): Relate clears it when the child's
            # row refers to the parent; SQLAlchemy leaves it to be read from the row.
            rel = state.mapper.relationships[key]
            parent_state = inspect(parent)
            for local, remote in rel.local_remote_pairs:
                mine = state.dict.get(state.mapper.get_property_by_column(local).key)
                theirs = parent_state.dict.get(
                    parent_state.mapper.get_property_by_column(remote).key)
                if mine is None or mine != theirs:
                    return
        state._modified_event(state.dict, state.manager[key].impl, parent)
        state.dict[key] = None

    def queued_removals(self):
        """(object, key, item) of every removal queued on an unloaded collection."""
        out = []
        for o in self._objects():
            for key, pending in inspect(o)._pending_mutations.items():
                out.extend((o, key, item) for item in pending.deleted_items)
        return out

    @staticmethod
    def append_after_removal(before):
        """A harness correction for SQLAlchemy: an append queued on an unloaded
        collection after a queued removal of the same object cancels both, as if the
        object were in the rows; when it is not (a transient child, moved away and back)
        the append is lost. Relate applies the two in order: the append stays."""
        for o, key, item in before:
            pending = inspect(o)._pending_mutations.get(key)
            if pending is None or key in inspect(o).dict:
                continue
            back = inspect(item).dict.get(inspect(o).mapper.relationships[key].back_populates)
            linked = back is o or (isinstance(back, list) and any(x is o for x in back))
            if item not in pending.deleted_items and item not in pending.added_items and linked:
                pending.added_items.add(item)

    def after_change(self, seen):
        """After an operation that changes relationships; `seen` is what
        one_to_one_parents_seen() returned before it."""
        self.clear_moved_one_to_one(seen)
        self.no_duplicates()

    def no_duplicates(self):
        """collection-holds-once: an append through the back reference (child.parent =
        parent) of an object the parent's collection already holds, or a queued append
        of an object the load finds in the rows, leaves it there once."""
        from sqlalchemy.orm.collections import collection_adapter
        for obj in self._objects():
            state = inspect(obj)
            for r in state.mapper.relationships:
                if not r.uselist or r.key not in state.dict:
                    continue
                value = state.dict[r.key]
                seen = set()
                for item in list(value):
                    if id(item) in seen:
                        collection_adapter(value).remove_without_event(item)
                    seen.add(id(item))

    def _one_to_one_holders(self):
        """(parent, relationship, child) of every one-to-one parent holding a child."""
        holders = {id(o): o for o in self.runner.objects.values()}
        if self.session is not None:
            holders.update((id(o), o) for o in self.session)
        for obj in holders.values():
            state = inspect(obj)
            for r in state.mapper.relationships:
                if r.uselist or r.direction.name != "ONETOMANY" or not r.back_populates:
                    continue
                child = state.dict.get(r.key)
                if child is not None:
                    yield obj, r, child

    def outside(self):
        """cascade-skips-taken-out: the objects outside the Session, before an
        operation."""
        if self.session is None:
            return {}
        return {id(o): o for o in self.runner.objects.values() if o not in self.session}

    def no_cascade_to_taken_out(self, outside, added=None, linked_from=None, linked=None):
        """cascade-skips-taken-out: Relate's save-update cascade follows what the
        relationships hold; SQLAlchemy's also reaches what they held at the last flush
        and lost since. After an operation, the objects it brought in that no
        relationship of the Session's objects (with save-update) holds now leave again,
        without cascading. `added`: the object add() was called for.

        cascade-after-backref: after a link (`linked_from`: the object whose
        relationship `linked` (relationship key, object linked) was set), Relate's
        cascade starts at the object linked, when it was outside, the other in the
        Session, the link was made and the relationship has save-update, and walks what
        the relationships hold after the backref, through the objects it brings in (it
        halts at the Session's objects, so an object outside that another relationship
        of `linked_from` holds stays out); SQLAlchemy's runs before its backref and also
        reaches the parent a moved child leaves. Only what that walk reaches stays."""
        if self.session is None:
            return
        came = [o for i, o in outside.items() if o in self.session]
        if not came:
            return
        if linked_from is not None:
            key, target = linked
            state = inspect(linked_from)
            r, value = state.mapper.relationships[key], state.dict.get(key)
            # (not made when the cascade raised before the append)
            made = any(c is target for c in value or ()) if r.uselist else value is target
            todo = [target] if (id(linked_from) not in outside and id(target) in outside
                                and made and r.cascade.save_update) else []
            inside = lambda o: id(o) in outside  # noqa: E731 (the walk halts at the others)
        else:
            todo = [o for o in self.session if id(o) not in outside]
            if added is not None:
                todo.append(added)
            inside = lambda o: True  # noqa: E731
        held = _cascade_walk(todo, "save_update", inside)
        for o in came:
            if id(o) not in held:
                self.runner.expunge_alone(o)

    def one_to_one_parents_seen(self):
        """one-to-one-move-clears: id(child) -> the parent its loaded reference names,
        before an operation, for the children of one-to-one parents: the old parent
        Relate finds when the child moves (otherwise only through the child's foreign
        key, in the Session)."""
        return {id(child): inspect(child).dict[r.back_populates]
                for obj, r, child in self._one_to_one_holders()
                if r.back_populates in inspect(child).dict}

    def clear_moved_one_to_one(self, seen):
        """one-to-one-move-clears: after an operation, a one-to-one parent whose child
        now points back at another parent holds no child (set as loaded, no history),
        when Relate knew it as the old parent: the child's reference named it before
        the operation, or was unloaded and the parent is persistent in the Session
        (found through the child's foreign key)."""
        for obj, r, child in list(self._one_to_one_holders()):
            back = inspect(child).dict.get(r.back_populates, obj)
            before = seen.get(id(child), obj if inspect(obj).persistent else None)
            if back is not obj and back is not None and before is obj:
                set_committed_value(obj, r.key, None)

