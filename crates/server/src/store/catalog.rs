//! Communities and the category tree: read often, changed only by seeding and administration.

use crate::store::db::{self, Connection};
use mashang_model::deadline::DeadlineRule;
use mashang_model::{Category, Community, LocalizedText, ProblemKind};
use rusqlite::params;

use super::complaints::deadline_rule;
use super::{Store, StoreError};

/// Answers are capped so that a one-letter search in a city with thousands of communities stays
/// small on a phone.
pub const COMMUNITY_SEARCH_LIMIT: i64 = 50;

impl Store {
    /// Communities whose name, street or district contains `query` (all when it is empty).
    pub async fn search_communities(&self, query: String) -> Result<Vec<Community>, StoreError> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT c.id, c.name, d.name, c.street, p.name
                 FROM communities c
                 JOIN districts d ON d.id = c.district_id
                 JOIN property_companies p ON p.id = c.property_company_id
                 WHERE ?1 = '' OR instr(c.name, ?1) > 0 OR instr(c.street, ?1) > 0 OR instr(d.name, ?1) > 0
                 ORDER BY d.id, c.name
                 LIMIT ?2",
            )?;
            let rows = statement.query_map(params![query, COMMUNITY_SEARCH_LIMIT], |row| {
                Ok(Community {
                    id: row.get(0)?,
                    name: row.get(1)?,
                    district: row.get(2)?,
                    street: row.get(3)?,
                    property_company: row.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    pub async fn category_tree(&self) -> Result<Vec<Category>, StoreError> {
        self.read(|connection| Ok(category_tree(connection)?)).await
    }
}

fn category_tree(connection: &Connection) -> db::Result<Vec<Category>> {
    let mut statement = connection.prepare_cached(
        "SELECT id, parent_id, name_zh, name_en, kind, urgent, sign_unit, sign_amount, resolve_unit, resolve_amount
         FROM categories ORDER BY parent_id IS NOT NULL, position, id",
    )?;
    let rows = statement.query_map([], |row| {
        let kind: String = row.get(4)?;
        let parent = row.get::<_, Option<i64>>(1)?;
        // Only the specific problems a complaint is filed against carry deadlines.
        let leaf_rule = |unit: usize, amount: usize| -> db::Result<Option<DeadlineRule>> {
            Ok(parent
                .map(|_| deadline_rule(&row.get::<_, String>(unit).unwrap_or_default(), row.get(amount).unwrap_or(0))))
        };
        Ok((
            parent,
            Category {
                id: row.get(0)?,
                name: LocalizedText { zh: row.get(2)?, en: row.get(3)? },
                kind: if kind == "property" { ProblemKind::Property } else { ProblemKind::NonProperty },
                urgent: row.get(5)?,
                sign_within: leaf_rule(6, 7)?,
                resolve_within: leaf_rule(8, 9)?,
                children: Vec::new(),
            },
        ))
    })?;
    let mut roots: Vec<Category> = Vec::new();
    // Parents sort first, so every child finds its parent already in place.
    for row in rows {
        let (parent, category) = row?;
        match parent.and_then(|id| roots.iter_mut().find(|root| root.id == id)) {
            Some(root) => root.children.push(category),
            None => roots.push(category),
        }
    }
    Ok(roots)
}
