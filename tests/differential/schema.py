"""What the fuzzer knows of the models: tables, columns, keys, foreign keys and
relationships, read from the SQLAlchemy classes of models.py (the one place they are
declared for Python; models.hpp mirrors them for Relate)."""

from dataclasses import dataclass, field

from sqlalchemy import inspect as sa_inspect

import models


@dataclass
class ColumnInfo:
    name: str
    kind: str  # "int" or "text"
    nullable: bool
    primary_key: bool
    unique: bool
    foreign: bool  # part of a foreign key


@dataclass
class ForeignKeyInfo:
    columns: list  # column names in this table
    referred_table: str
    referred_columns: list
    ondelete: str | None  # "CASCADE", "SET NULL" or None


@dataclass
class TableInfo:
    name: str
    columns: list  # ColumnInfo, in table order
    primary_key: list  # column names
    foreign_keys: list  # ForeignKeyInfo


@dataclass
class RelationshipInfo:
    name: str
    target: str  # model name
    uselist: bool
    direction: str  # ONETOMANY, MANYTOONE, MANYTOMANY
    back: str | None


@dataclass
class ModelInfo:
    name: str
    table: TableInfo
    relationships: list = field(default_factory=list)

    @property
    def autoincrement(self):
        return len(self.table.primary_key) == 1


def _table_info(table):
    uniques = {c.name for c in table.columns if c.unique}
    for constraint in table.constraints:
        if constraint.__class__.__name__ == "UniqueConstraint" and len(constraint.columns) == 1:
            uniques |= {c.name for c in constraint.columns}
    fks = []
    for fk in sorted(table.foreign_key_constraints, key=lambda f: [c.name for c in f.columns]):
        fks.append(ForeignKeyInfo([c.name for c in fk.columns], fk.referred_table.name,
                                  [e.column.name for e in fk.elements],
                                  fk.ondelete.upper() if fk.ondelete else None))
    foreign = {c for fk in fks for c in fk.columns}
    columns = [ColumnInfo(c.name, "int" if c.type.python_type is int else "text",
                          bool(c.nullable) and not c.primary_key, c.primary_key,
                          c.name in uniques, c.name in foreign) for c in table.columns]
    return TableInfo(table.name, columns, [c.name for c in table.primary_key.columns], fks)


def _build():
    tables = {t.name: _table_info(t) for t in models.Base.metadata.sorted_tables}
    result = {}
    for name, cls in models.MODELS.items():
        mapper = sa_inspect(cls)
        info = ModelInfo(name, tables[cls.__table__.name])
        for rel in mapper.relationships:
            info.relationships.append(RelationshipInfo(
                rel.key, rel.mapper.class_.__name__, rel.uselist, rel.direction.name,
                rel.back_populates))
        result[name] = info
    return tables, result


TABLES, MODELS = _build()
TABLE_ORDER = sorted(TABLES)
MODEL_OF_TABLE = {m.table.name: m.name for m in MODELS.values()}
