"""The differential fuzzer's models, as SQLAlchemy 1.4 declarative classes.

models.hpp declares the same tables, columns and relationships for Relate; the two
must stay in step (same table, column and relationship names). The fuzzer learns the
schema it generates operations for from these classes (see `SCHEMA`), so a model added
here and in models.hpp is fuzzed without further changes.

What each relationship covers:
  Owner.items  <-> Item.owner     one-to-many, default cascade, nullable FK,
                                  ON DELETE SET NULL, passive_deletes
  Owner.parts  <-> Part.owner     "all, delete-orphan", NOT NULL FK, ON DELETE CASCADE,
                                  passive_deletes
  Owner.notes  <-> Note.owner     default cascade, NOT NULL FK, no ON DELETE
  Owner.badge  <-> Badge.owner    one-to-one (uselist=False, unique FK),
                                  "all, delete-orphan"
  Owner.labels                    many-to-many declared on one side only
  Item.tags    <-> Tag.items      many-to-many, both sides
  Node.children <-> Node.parent   self-referential tree, cascade "all"
  Room.bookings <-> Booking.room  composite primary key and composite foreign key,
                                  "all, delete-orphan", NOT NULL FK
  Playlist.songs <-> Song.playlist  one-to-many, default cascade
  Playlist.favorite               many-to-one declared on one side, post_update
                                  (playlists and songs refer to each other)
owners.name is UNIQUE and every text column NOT NULL, so that the fuzzer can violate
both kinds of constraint.
"""

from sqlalchemy import (Column, ForeignKey, ForeignKeyConstraint, Integer, Table, Text,
                        UniqueConstraint)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()

owner_labels = Table(
    "owner_labels", Base.metadata,
    Column("owner_id", Integer, ForeignKey("owners.id"), primary_key=True),
    Column("label_id", Integer, ForeignKey("labels.id"), primary_key=True))

item_tags = Table(
    "item_tags", Base.metadata,
    Column("item_id", Integer, ForeignKey("items.id"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id"), primary_key=True))


class Owner(Base):
    __tablename__ = "owners"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False, unique=True)
    score = Column(Integer, nullable=True)
    items = relationship("Item", back_populates="owner", passive_deletes=True,
                         order_by="Item.id")
    parts = relationship("Part", back_populates="owner", cascade="all, delete-orphan",
                         passive_deletes=True, order_by="Part.id")
    notes = relationship("Note", back_populates="owner", order_by="Note.id")
    badge = relationship("Badge", back_populates="owner", uselist=False,
                         cascade="all, delete-orphan")
    labels = relationship("Label", secondary=owner_labels, order_by="Label.id")


class Item(Base):
    __tablename__ = "items"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("owners.id", ondelete="SET NULL"), nullable=True)
    label = Column(Text, nullable=False)
    owner = relationship("Owner", back_populates="items")
    tags = relationship("Tag", secondary=item_tags, back_populates="items", order_by="Tag.id")


class Part(Base):
    __tablename__ = "parts"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("owners.id", ondelete="CASCADE"), nullable=False)
    label = Column(Text, nullable=False)
    owner = relationship("Owner", back_populates="parts")


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("owners.id"), nullable=False)
    body = Column(Text, nullable=False)
    owner = relationship("Owner", back_populates="notes")


class Badge(Base):
    __tablename__ = "badges"
    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("owners.id"), nullable=True, unique=True)
    code = Column(Text, nullable=False)
    owner = relationship("Owner", back_populates="badge")


class Label(Base):
    __tablename__ = "labels"
    id = Column(Integer, primary_key=True)
    text = Column(Text, nullable=False)


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    # No order_by: Relate configures only the first member of a pair (issue 14, item 3).
    items = relationship("Item", secondary=item_tags, back_populates="tags")


class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
    parent_id = Column(Integer, ForeignKey("nodes.id"), nullable=True)
    name = Column(Text, nullable=False)
    children = relationship("Node", back_populates="parent", cascade="all", order_by="Node.id")
    parent = relationship("Node", back_populates="children", remote_side=[id])


class Room(Base):
    __tablename__ = "rooms"
    building = Column(Text, primary_key=True)
    number = Column(Integer, primary_key=True, autoincrement=False)
    floor = Column(Integer, nullable=True)
    bookings = relationship("Booking", back_populates="room", cascade="all, delete-orphan",
                            order_by="Booking.id")


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (ForeignKeyConstraint(["room_building", "room_number"],
                                           ["rooms.building", "rooms.number"]),)
    id = Column(Integer, primary_key=True)
    room_building = Column(Text, nullable=False)
    room_number = Column(Integer, nullable=False)
    guest = Column(Text, nullable=False)
    room = relationship("Room", back_populates="bookings")


class Playlist(Base):
    __tablename__ = "playlists"
    id = Column(Integer, primary_key=True)
    name = Column(Text, nullable=False)
    favorite_song_id = Column(Integer, ForeignKey("songs.id", use_alter=True), nullable=True)
    songs = relationship("Song", back_populates="playlist", foreign_keys="Song.playlist_id",
                         order_by="Song.id")
    favorite = relationship("Song", foreign_keys=[favorite_song_id], post_update=True)


class Song(Base):
    __tablename__ = "songs"
    id = Column(Integer, primary_key=True)
    playlist_id = Column(Integer, ForeignKey("playlists.id"), nullable=True)
    title = Column(Text, nullable=False)
    playlist = relationship("Playlist", back_populates="songs", foreign_keys=[playlist_id])


MODELS = {cls.__name__: cls for cls in
          (Owner, Item, Part, Note, Badge, Label, Tag, Node, Room, Booking, Playlist, Song)}
