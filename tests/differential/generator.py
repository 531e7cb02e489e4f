"""Random but seeded operation sequences, the one place they are made: both runners
execute the lines this module writes.

An operation is one line of space-separated tokens. Objects are named by handle numbers
that the operation creating them assigns (`new 7 Owner ...` makes object #7); both
runners keep the same numbering. Values are `n` (NULL / None), `i<integer>` or
`s<text>` (text without spaces).

  new H MODEL ADD [COLUMN=VALUE ...] [+REL=T]  make an object (ADD 1: session.add it);
                                              +REL=T links it to #T before the add
  add H                  session.add(#H)
  set H COLUMN VALUE     edit a column member
  link H REL T           REL of #H: append #T to a collection, or assign a reference
  unlink H REL T         remove #T from a collection ("absent" if it is not there), or
                         set a reference to None (T is then `-`)
  clear H REL            empty a collection
  delete H | expunge H   session.delete / remove, session.expunge
  flush | commit | rollback | close
  get H STRATEGY NEWH    select the row #H has (by its identity key), with every
                         relationship of its model loaded by STRATEGY (lazy, joined,
                         selectin); an object the runner has no handle for becomes #NEWH
  read H REL             read (and so load) a relationship

With bulk writes on (--bulk), also the shapes of bulk_operations.hpp: bulk_update,
bulk_delete and upsert, with random bounds and synchronize_session.

With the Session's newer calls on (--session-api), also:

  refresh H | expire H   session.refresh(#H), session.expire(#H) (the whole object)
  merge H NEWH           session.merge(#H); the object it returns becomes #NEWH unless a
                         handle names it already (as get assigns handles)
  begin_nested           session.begin_nested(): a savepoint, kept on a stack
  release_nested         commit (release) the innermost savepoint
  rollback_nested        roll back to the innermost savepoint

release_nested and rollback_nested come only while the generator counts a savepoint
open; commit, rollback and close end them all.
"""

import random

from schema import MODELS

STRATEGIES = ("lazy", "joined", "selectin")

# How often each kind of model is made: owners are the hub of most relationships.
MODEL_WEIGHTS = {"Owner": 6, "Item": 5, "Part": 4, "Note": 3, "Badge": 3, "Label": 2, "Tag": 3,
                 "Node": 4, "Room": 2, "Booking": 3, "Playlist": 2, "Song": 3}

OP_WEIGHTS = {"new": 16, "link": 18, "unlink": 8, "clear": 2, "set": 8, "delete": 8, "add": 3,
              "expunge": 2, "flush": 9, "commit": 8, "rollback": 4, "close": 2, "get": 6,
              "read": 8}

# A many-to-one whose foreign key is NOT NULL: a new object of that model mostly comes
# with its parent.
REQUIRED_PARENT = {"Part": "owner", "Note": "owner", "Booking": "room"}


def encode(value):
    if value is None:
        return "n"
    if isinstance(value, int):
        return f"i{value}"
    return f"s{value}"


def decode(token):
    if token == "n":
        return None
    if token[0] == "i":
        return int(token[1:])
    return token[1:]


# Added to OP_WEIGHTS with --bulk (without it every seed's sequence stays as it was).
BULK_WEIGHTS = {"bulk": 6}
SYNCHRONIZE = ("evaluate", "fetch", "none")

# Added to OP_WEIGHTS with --session-api (likewise).
SESSION_API_WEIGHTS = {"refresh": 3, "expire": 4, "merge": 4, "savepoint": 6}


class Generator:
    def __init__(self, seed, bulk=False, session_api=False):
        self.bulk = bulk
        self.session_api = session_api
        self.savepoints = 0  # open on the generator's count (begin_nested that may fail)
        self.rng = random.Random(seed)
        self.handles = []  # (handle, model)
        self.next_handle = 1
        self.explicit_ids = {}  # model -> explicit ids used so far
        self.names = []  # owner names used so far
        self.texts = 0

    # ---- choices ----

    def _pick(self, weights):
        keys = list(weights)
        return self.rng.choices(keys, [weights[k] for k in keys])[0]

    def _handles_of(self, model):
        return [h for h, m in self.handles if m == model]

    def _text(self, prefix):
        self.texts += 1
        return f"{prefix}{self.texts}"

    def _allocate(self):
        h = self.next_handle
        self.next_handle += 1
        return h

    def _column_value(self, model, column, h):
        """A value for a column that is neither key nor foreign key; now and then one
        that violates NOT NULL or UNIQUE."""
        rng = self.rng
        if column.kind == "int":
            return None if (column.nullable and rng.random() < 0.3) else rng.randrange(10)
        if not column.nullable and rng.random() < 0.04:
            return None
        if column.unique:
            if self.names and rng.random() < 0.06:
                return rng.choice(self.names)
            name = self._text("o")
            self.names.append(name)
            return name
        return self._text(column.name[0])

    # ---- operations ----

    def op_new(self):
        rng = self.rng
        model = self._pick(MODEL_WEIGHTS)
        info = MODELS[model]
        h = self._allocate()
        tokens = ["new", str(h), model, "1" if rng.random() < 0.8 else "0"]
        if model == "Room":
            rooms = self._handles_of("Room")
            if rooms and rng.random() < 0.05:
                key = rng.choice([k for k in self.explicit_ids.get("Room", [])])
            else:
                key = (f"b{h % 2}", h)
            self.explicit_ids.setdefault("Room", []).append(key)
            tokens += [f"building={encode(key[0])}", f"number={encode(key[1])}"]
        else:
            used = self.explicit_ids.setdefault(model, [])
            r = rng.random()
            if used and r < 0.05:
                tokens.append(f"id={encode(rng.choice(used))}")
            elif r < 0.15:
                used.append(1000 + h)
                tokens.append(f"id={encode(1000 + h)}")
        for column in info.table.columns:
            if column.primary_key or column.foreign:
                continue
            tokens.append(f"{column.name}={encode(self._column_value(model, column, h))}")
        links = [r for r in info.relationships if not r.uselist and self._handles_of(r.target)]
        required = REQUIRED_PARENT.get(model)
        for rel in links:
            chance = 0.85 if rel.name == required else 0.35
            if rng.random() < chance:
                tokens.append(f"+{rel.name}={rng.choice(self._handles_of(rel.target))}")
        self.handles.append((h, model))
        return " ".join(tokens)

    def _handle_with_relationships(self):
        candidates = [(h, m) for h, m in self.handles if MODELS[m].relationships]
        if not candidates:
            return None, None
        return self.rng.choice(candidates)

    def op_link(self):
        h, model = self._handle_with_relationships()
        if h is None:
            return self.op_new()
        rel = self.rng.choice(MODELS[model].relationships)
        targets = self._handles_of(rel.target)
        if not targets:
            return self.op_new()
        return f"link {h} {rel.name} {self.rng.choice(targets)}"

    def op_unlink(self):
        h, model = self._handle_with_relationships()
        if h is None:
            return self.op_new()
        rel = self.rng.choice(MODELS[model].relationships)
        if not rel.uselist:
            return f"unlink {h} {rel.name} -"
        targets = self._handles_of(rel.target)
        if not targets:
            return self.op_new()
        return f"unlink {h} {rel.name} {self.rng.choice(targets)}"

    def op_clear(self):
        h, model = self._handle_with_relationships()
        collections = [r for r in MODELS[model].relationships if r.uselist] if h else []
        if not collections:
            return self.op_link()
        return f"clear {h} {self.rng.choice(collections).name}"

    def op_set(self):
        if not self.handles:
            return self.op_new()
        h, model = self.rng.choice(self.handles)
        columns = [c for c in MODELS[model].table.columns if not c.primary_key and not c.foreign]
        column = self.rng.choice(columns)
        return f"set {h} {column.name} {encode(self._column_value(model, column, h))}"

    def _on_handle(self, verb):
        if not self.handles:
            return self.op_new()
        return f"{verb} {self.rng.choice(self.handles)[0]}"

    def op_get(self):
        if not self.handles:
            return self.op_new()
        h = self.rng.choice(self.handles)[0]
        model = dict(self.handles)[h]
        new = self._allocate()
        self.handles.append((new, model))
        return f"get {h} {self.rng.choice(STRATEGIES)} {new}"

    def op_read(self):
        h, model = self._handle_with_relationships()
        if h is None:
            return self.op_new()
        return f"read {h} {self.rng.choice(MODELS[model].relationships).name}"

    def op_bulk(self):
        rng = self.rng
        sync = rng.choice(SYNCHRONIZE)
        shape = rng.randrange(5)
        if shape == 0:
            return f"bulk_update Owner score {encode(rng.randrange(-3, 4))} " \
                   f"{encode(rng.randrange(10))} {sync}"
        if shape == 1:
            return f"bulk_update Item label {encode('x')} {encode(self._label_bound())} {sync}"
        if shape == 2:
            return f"bulk_delete Owner {encode(rng.randrange(10))} {sync}"
        if shape == 3:
            return f"bulk_delete Item {encode(self._label_bound())} {sync}"
        if self.names and rng.random() < 0.6:
            name = rng.choice(self.names)
        else:
            name = self._text("o")
            self.names.append(name)
        score = None if rng.random() < 0.2 else rng.randrange(10)
        return f"upsert Owner {encode(name)} {encode(score)} {rng.choice(('nothing', 'update'))}"

    def _label_bound(self):
        """A text that falls among the labels made so far ("l<n>"), compared as text."""
        return f"l{self.rng.randrange(max(self.texts, 1) + 1)}"

    def op_merge(self):
        if not self.handles:
            return self.op_new()
        h, model = self.rng.choice(self.handles)
        new = self._allocate()
        self.handles.append((new, model))
        return f"merge {h} {new}"

    def op_savepoint(self):
        if self.savepoints and self.rng.random() < 0.6:
            self.savepoints -= 1
            return self.rng.choice(("release_nested", "rollback_nested"))
        self.savepoints += 1
        return "begin_nested"

    def next_op(self):
        weights = OP_WEIGHTS
        if self.bulk:
            weights = dict(weights, **BULK_WEIGHTS)
        if self.session_api:
            weights = dict(weights, **SESSION_API_WEIGHTS)
        kind = self._pick(weights) if len(self.handles) >= 3 else "new"
        if kind in ("flush", "commit", "rollback", "close"):
            if kind != "flush":
                self.savepoints = 0
            return kind
        if kind in ("delete", "expunge", "add", "refresh", "expire"):
            return self._on_handle(kind)
        return getattr(self, f"op_{kind}")()


def generate(seed, length, bulk=False, session_api=False):
    g = Generator(seed, bulk, session_api)
    return [g.next_op() for _ in range(length)]


if __name__ == "__main__":
    import sys
    for line in generate(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 40):
        print(line)
