// The differential fuzzer's models for Relate: the same tables, columns and
// relationships as models.py declares for SQLAlchemy (keep the two in step; the
// docstring of models.py says what each relationship covers).
//
// Every column member is a std::optional, NOT NULL or not, so that a new object's
// unset key and foreign keys read as SQLAlchemy's None, and so that the fuzzer can
// write NULL into a NOT NULL column to violate it. The composite key of rooms is the
// exception: Room's key members are plain values, always given.
#pragma once

#include <cstdint>
#include <optional>
#include <relate/relate.hpp>
#include <string>

namespace differential {

struct Item;
struct Part;
struct Note;
struct Badge;
struct Label;
struct Tag;
struct Booking;
struct Song;

struct Owner {
  std::optional<std::int64_t> id;
  std::optional<std::string> name;
  std::optional<std::int64_t> score;
  relate::many<Item> items;
  relate::many<Part> parts;
  relate::many<Note> notes;
  relate::one<Badge> badge;
  relate::many<Label> labels;
};

struct Item {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> label;
  relate::one<Owner> owner;
  relate::many<Tag> tags;
};

struct Part {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> label;
  relate::one<Owner> owner;
};

struct Note {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> body;
  relate::one<Owner> owner;
};

struct Badge {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> code;
  relate::one<Owner> owner;
};

struct Label {
  std::optional<std::int64_t> id;
  std::optional<std::string> text;
};

struct Tag {
  std::optional<std::int64_t> id;
  std::optional<std::string> name;
  relate::many<Item> items;
};

struct Node {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> parent_id;
  std::optional<std::string> name;
  relate::many<Node> children;
  relate::one<Node> parent;
};

struct Room {
  std::string building;
  std::int64_t number = 0;
  std::optional<std::int64_t> floor;
  relate::many<Booking> bookings;
};

struct Booking {
  std::optional<std::int64_t> id;
  std::optional<std::string> room_building;
  std::optional<std::int64_t> room_number;
  std::optional<std::string> guest;
  relate::one<Room> room;
};

struct Playlist {
  std::optional<std::int64_t> id;
  std::optional<std::string> name;
  std::optional<std::int64_t> favorite_song_id;
  relate::many<Song> songs;
  relate::one<Song> favorite;
};

struct Song {
  std::optional<std::int64_t> id;
  std::optional<std::int64_t> playlist_id;
  std::optional<std::string> title;
  relate::one<Playlist> playlist;
};

inline relate::MetaData metadata() {
  using relate::column;
  using relate::foreign_key;
  using relate::primary_key;
  relate::MetaData md;
  md.table<Owner>("owners", primary_key(&Owner::id), relate::unique(&Owner::name),
                  column(&Owner::name).nullable(false))
      .table<Item>("items", primary_key(&Item::id),
                   foreign_key(&Item::owner_id, &Owner::id).on_delete(relate::set_null),
                   column(&Item::label).nullable(false))
      .table<Part>("parts", primary_key(&Part::id),
                   foreign_key(&Part::owner_id, &Owner::id).on_delete(relate::cascade).not_null(),
                   column(&Part::label).nullable(false))
      .table<Note>("notes", primary_key(&Note::id),
                   foreign_key(&Note::owner_id, &Owner::id).not_null(),
                   column(&Note::body).nullable(false))
      .table<Badge>("badges", primary_key(&Badge::id), relate::unique(&Badge::owner_id),
                    foreign_key(&Badge::owner_id, &Owner::id), column(&Badge::code).nullable(false))
      .table<Label>("labels", primary_key(&Label::id), column(&Label::text).nullable(false))
      .table<Tag>("tags", primary_key(&Tag::id), column(&Tag::name).nullable(false))
      .table<Node>("nodes", primary_key(&Node::id), foreign_key(&Node::parent_id, &Node::id),
                   column(&Node::name).nullable(false))
      .table<Room>("rooms", primary_key(&Room::building, &Room::number))
      .table<Booking>("bookings", primary_key(&Booking::id),
                      relate::foreign_key_constraint(
                          relate::members(&Booking::room_building, &Booking::room_number),
                          relate::members(&Room::building, &Room::number))
                          .not_null(),
                      column(&Booking::guest).nullable(false))
      .table<Playlist>("playlists", primary_key(&Playlist::id),
                       foreign_key(&Playlist::favorite_song_id, &Song::id),
                       column(&Playlist::name).nullable(false))
      .table<Song>("songs", primary_key(&Song::id), foreign_key(&Song::playlist_id, &Playlist::id),
                   column(&Song::title).nullable(false))
      .relationship(&Owner::items, &Item::owner)
      .passive_deletes()
      .order_by(&Item::id)
      .relationship(&Owner::parts, &Part::owner)
      .cascade("all, delete-orphan")
      .passive_deletes()
      .order_by(&Part::id)
      .relationship(&Owner::notes, &Note::owner)
      .order_by(&Note::id)
      .relationship(&Owner::badge, &Badge::owner)
      .cascade("all, delete-orphan")
      .relationship(&Owner::labels)
      .secondary("owner_labels")
      .order_by(&Label::id)
      .relationship(&Item::tags, &Tag::items)
      .secondary("item_tags")
      .order_by(&Tag::id)
      .relationship(&Node::children, &Node::parent)
      .cascade("all")
      .order_by(&Node::id)
      .relationship(&Room::bookings, &Booking::room)
      .cascade("all, delete-orphan")
      .order_by(&Booking::id)
      .relationship(&Playlist::songs, &Song::playlist)
      .foreign_keys(&Song::playlist_id)
      .order_by(&Song::id)
      .relationship(&Playlist::favorite)
      .foreign_keys(&Playlist::favorite_song_id)
      .post_update();
  return md;
}

}  // namespace differential
