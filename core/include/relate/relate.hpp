// Relate: an ORM for C++20 with SQLAlchemy's relationship model. This header brings
// in everything an application uses: models and MetaData, the Engine, the Session and
// queries.
#pragma once

#include <relate/column_traits.hpp>
#include <relate/engine/engine.hpp>
#include <relate/errors.hpp>
#include <relate/metadata.hpp>
#include <relate/orm/attributes.hpp>
#include <relate/orm/core_execute.hpp>
#include <relate/orm/cte.hpp>
#include <relate/orm/functions.hpp>
#include <relate/orm/instance.hpp>
#include <relate/orm/query.hpp>
#include <relate/orm/session.hpp>
#include <relate/orm/subquery.hpp>
#include <relate/orm/with_parent.hpp>
#include <relate/schema.hpp>
#include <relate/value.hpp>
