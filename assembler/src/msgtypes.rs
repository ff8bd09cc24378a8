//! Message-type ids: explicit ids win, the others get the lowest free ids in
//! order of first declaration. One name declared in several files is one type.

use crate::ast::Expr;
use crate::diagnostics::{Problem, Site};
use std::collections::{BTreeSet, HashMap};

/// Largest message-type id, as the image format allows it (bit 31 marks a returned
/// packet, and a returned 0x7FFFFFFF would read as -1, `peek`'s empty answer).
pub const MAX_MSG_ID: i64 = aether_isa::image::MAX_MSG_ID as i64;

/// One `.msg` declaration.
pub(crate) struct MsgDecl<'a> {
    /// The type's name.
    pub name: &'a str,
    /// The explicit id expression, if any.
    pub id: Option<&'a Expr>,
    /// Index of the declaring item.
    pub item: usize,
    /// Where the name is written.
    pub site: Site,
}

/// Assigns ids to declarations given with their evaluated explicit ids.
pub(crate) fn allocate(
    decls: &[(&MsgDecl<'_>, Option<i64>)],
) -> Result<HashMap<String, u32>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut ids: HashMap<String, (u32, Site)> = HashMap::new();
    let mut owners: HashMap<u32, (String, Site)> = HashMap::new();
    for (decl, value) in decls {
        let Some(v) = *value else { continue };
        if !(0..=MAX_MSG_ID).contains(&v) {
            problems.push(Problem::at(
                decl.site.clone(),
                format!(
                    "message type id {v} ({v:#x}) is not between 0 and {MAX_MSG_ID:#x} (bit 31 marks \
                     returned packets, and a returned {:#x} would read as -1, `peek`'s empty answer)",
                    MAX_MSG_ID + 1
                ),
            ));
            continue;
        }
        let id = v as u32;
        if let Some((first, site)) = ids.get(decl.name) {
            if *first != id {
                problems.push(
                    Problem::at(
                        decl.site.clone(),
                        format!(
                            "message type `{}` is given id {id} here but id {first} elsewhere",
                            decl.name
                        ),
                    )
                    .with_label(site.clone(), "first given here"),
                );
            }
            continue;
        }
        if let Some((other, site)) = owners.get(&id) {
            problems.push(
                Problem::at(
                    decl.site.clone(),
                    format!(
                        "message types `{other}` and `{}` both have id {id}",
                        decl.name
                    ),
                )
                .with_label(site.clone(), format!("`{other}` declared here")),
            );
            continue;
        }
        ids.insert(decl.name.to_string(), (id, decl.site.clone()));
        owners.insert(id, (decl.name.to_string(), decl.site.clone()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let used: BTreeSet<u32> = owners.keys().copied().collect();
    let mut out: HashMap<String, u32> = ids.into_iter().map(|(n, (id, _))| (n, id)).collect();
    let mut next = 0u32;
    for (decl, _) in decls {
        if out.contains_key(decl.name) {
            continue;
        }
        while used.contains(&next) {
            next += 1;
        }
        out.insert(decl.name.to_string(), next);
        next += 1;
    }
    Ok(out)
}
