"""Turns what a runner reported after a step into a comparable observation, and finds
the differences between Relate's and SQLAlchemy's.

Keys: the two sides may generate different keys for the same object (insert order is
not part of the contract), so every key is shown through the handles: a primary or
foreign key value that is the identity of a handle reads "#H". Which handle a key names
is decided on each side from that side's own objects: the persistent one first, then a
deleted one, then a detached one, the newest handle first among equals.

A new object's key (pending, or transient after a rollback) is compared as present or
not, and a foreign key holding it reads "(key of #H)": which key a rolled-back flush
generated depends on the insert order within the flush, which is no contract.

Relationships are compared where both sides have them loaded: whether a relationship is
loaded is no behaviour (a new SQLAlchemy object's collections are initialised on first
access, Relate's exist from the start), and observing never loads anything. The `read`
operation loads on both sides and its result is compared.

Database rows are read from both SQLite files with plain sqlite3, so they are the
committed rows.
"""

import sqlite3

from schema import MODELS, TABLES, TABLE_ORDER

STATE_PRIORITY = {"persistent": 0, "deleted": 1, "detached": 2}


def key_text(values):
    return ",".join(str(v) for v in values)


class KeyMap:
    """(table, key text) -> "#H", from one side's observation."""

    def __init__(self, objects, models_of):
        best = {}
        holders = {}
        # Keys of new objects (pending, or transient after a rollback) that a flush
        # generated: named by their objects, never by number.
        self.generated = {}
        for h, (state, cols, _rels, identity) in objects.items():
            model = MODELS[models_of[int(h)]]
            if state in ("pending", "transient") and model.autoincrement:
                value = cols.get(model.table.primary_key[0])
                if value is not None:
                    self.generated[(model.table.name, key_text([value]))] = f"(key of #{h})"
            if identity is None or state not in STATE_PRIORITY:
                continue
            table = MODELS[models_of[int(h)]].table.name
            rank = (STATE_PRIORITY[state], -int(h))
            k = (table, key_text(identity))
            holders.setdefault(k, []).append((state, f"#{h}"))
            if k not in best or rank < best[k][0]:
                best[k] = (rank, f"#{h}")
        self.names = {k: v[1] for k, v in best.items()}
        # Keys more than one object holds: an object and a copy of its row loaded after
        # it was detached, or (on SQLite, where an insert can take the key a deletion
        # freed) a new object and the deleted one whose key it took: which object a key
        # names then depends on the order of the flush's statements.
        self.reused = sorted(sorted(h for _, h in v) for v in holders.values() if len(v) > 1)

    def name(self, table, values):
        if all(v is None for v in values):
            return None
        k = (table, key_text(values))
        return self.names.get(k) or self.generated.get(k) or "=" + key_text(values)

    def ref(self, ref):
        """A relationship member: "#H", or "@Model:key" for an object with no handle."""
        if not isinstance(ref, str) or not ref.startswith("@"):
            return ref
        model, key = ref[1:].split(":", 1)
        named = self.names.get((MODELS[model].table.name, key))
        return "~" + named if named else ref


def _referred_key(fk, row_values):
    """A foreign key's values, in the order of the referred table's primary key."""
    referred = TABLES[fk.referred_table]
    by_column = dict(zip(fk.referred_columns, (row_values[c] for c in fk.columns)))
    return [by_column[c] for c in referred.primary_key]


def render_columns(table, values, keymap, own=None):
    """Column values with keys and foreign keys named through handles; an object's
    key that is its own identity reads as its own handle (`own`)."""
    out = dict(values)
    if table.primary_key and all(c in values for c in table.primary_key):
        name = keymap.name(table.name, [values[c] for c in table.primary_key])
        if own is not None:
            name = own
        for c in table.primary_key:
            out[c] = name
    for fk in table.foreign_keys:
        name = keymap.name(fk.referred_table, _referred_key(fk, values))
        for c in fk.columns:
            out[c] = name
    return out


def read_rows(path, keymap):
    rows = {}
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        for name in TABLE_ORDER:
            table = TABLES[name]
            columns = [c.name for c in table.columns]
            cursor = connection.execute(
                "SELECT " + ", ".join(f'"{c}"' for c in columns) + f' FROM "{name}"')
            rendered = []
            for row in cursor:
                values = render_columns(table, dict(zip(columns, row)), keymap)
                rendered.append(tuple(str(values[c]) for c in columns))
            rows[name] = sorted(rendered)
    finally:
        connection.close()
    return rows


def normalise(report, models_of, db_path):
    """A runner's report of one step, with keys named through handles."""
    if "crash" in report:
        return {"crash": report["crash"]}
    objects = report["o"]
    keymap = KeyMap(objects, models_of)
    out_objects = {}
    for h, (state, columns, rels, identity) in objects.items():
        model = MODELS[models_of[int(h)]]
        own = f"#{h}" if identity is not None and \
            [columns.get(c) for c in model.table.primary_key] == identity else None
        if state in ("pending", "transient") and model.autoincrement:
            # A new object's key names no row (a rolled-back flush may have given it, in
            # an insert order that is no contract): whether it has one is compared.
            own = f"(key of #{h})" if columns.get(model.table.primary_key[0]) is not None \
                else None
        rendered_rels = {}
        for name, value in rels.items():
            if isinstance(value, list):
                rendered_rels[name] = sorted(str(keymap.ref(r)) for r in value)
            else:
                rendered_rels[name] = keymap.ref(value)
        out_objects[h] = {"model": models_of[int(h)], "state": state,
                          "columns": render_columns(model.table, columns, keymap, own),
                          "relationships": rendered_rels}
    result = report["r"]
    if isinstance(result, dict) and "read" in result:
        value = result["read"]
        result = {"read": sorted(str(keymap.ref(r)) for r in value)
                  if isinstance(value, list) else keymap.ref(value)}
    return {"result": result, "objects": out_objects, "rows": read_rows(db_path, keymap),
            "marked": report.get("marked", []), "frees": report.get("frees", []),
            "stale": report.get("stale", []),
            "reused_keys": keymap.reused}


def _result_shape(result):
    """What is compared of a result: an error's class, not its message."""
    if isinstance(result, dict) and "err" in result:
        return {"err": result["err"]}
    return result


def differences(relate, sqlalchemy, masks=()):
    """[(where, Relate's value, SQLAlchemy's value)] for one step, less those the
    masks (reported_findings.py, only on request) explain."""
    if "crash" in relate or "crash" in sqlalchemy:
        return [("crash", relate.get("crash"), sqlalchemy.get("crash"))]
    found = _all_differences(relate, sqlalchemy)
    return [d for d in found if not any(m.masks(*d, relate, sqlalchemy) for m in masks)]


def _unnamed(value):
    return isinstance(value, str) and (value.startswith("(key of #") or value.startswith("="))


def _rolled_back_key(a, b, column, x, y):
    """A foreign key of a new object (pending, or transient after a rollback) that holds
    a key a rolled-back flush generated: which number that flush gave which row depends
    on the insert order within it, which is no contract (module docstring), so the
    number may name nothing, or another object, on either side. Such a value is not
    compared where one side names no object with a row."""
    if a["state"] not in ("pending", "transient") or b["state"] != a["state"]:
        return False
    table = MODELS[a["model"]].table
    if not any(column in fk.columns for fk in table.foreign_keys):
        return False
    return _unnamed(x) or _unnamed(y)


def _all_differences(relate, sqlalchemy):
    found = []
    if _result_shape(relate["result"]) != _result_shape(sqlalchemy["result"]):
        found.append(("result", relate["result"], sqlalchemy["result"]))
    for h in sorted(set(relate["objects"]) | set(sqlalchemy["objects"]), key=int):
        a, b = relate["objects"].get(h), sqlalchemy["objects"].get(h)
        if a is None or b is None:
            found.append((f"#{h}", a and a["state"], b and b["state"]))
            continue
        if a["state"] != b["state"]:
            found.append((f"#{h}.state", a["state"], b["state"]))
        for c in a["columns"]:
            x, y = a["columns"][c], b["columns"].get(c)
            if x != y and not _rolled_back_key(a, b, c, x, y):
                found.append((f"#{h}.{c}", x, y))
        for r in a["relationships"]:
            x, y = a["relationships"][r], b["relationships"].get(r)
            if "unloaded" in (x, y):
                continue
            if x != y:
                found.append((f"#{h}.{r}", x, y))
    for table in TABLE_ORDER:
        x, y = relate["rows"][table], sqlalchemy["rows"][table]
        if x != y:
            found.append((f"rows {table}", x, y))
    return found


def kind(where):
    """A difference's kind, for telling differences apart while shrinking."""
    if where.startswith("rows "):
        return where
    if where.startswith("#"):
        part = where.split(".", 1)
        return "state" if len(part) == 1 else ("state" if part[1] == "state" else "member")
    return where
