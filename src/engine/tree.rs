//! The content tree as a UI-free model: org → users → folders → items, children loaded lazily,
//! marks on items (a container reports how many of its items are marked), a text and a type
//! filter, and a flattened list of the visible rows kept up to date so a front end only builds
//! the rows it shows.

use std::collections::BTreeSet;

/// Index of a node in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// What a leaf item shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemInfo {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Item type, e.g. "Web Map".
    pub item_type: String,
    /// Owner username.
    pub owner: String,
    /// Size in bytes as the portal reports it.
    pub size: u64,
    /// Last modification, epoch milliseconds.
    pub modified: i64,
}

/// What a node is.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    /// The organisation (the root).
    Org {
        /// Org name.
        name: String,
    },
    /// A user and their root folder.
    User {
        /// Username.
        username: String,
    },
    /// One of a user's folders.
    Folder {
        /// Owner.
        username: String,
        /// Folder id.
        id: String,
        /// Folder title.
        title: String,
    },
    /// An item.
    Item(ItemInfo),
}

/// What to fetch to fill a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadRequest {
    /// The org's users (admins) or just the signed-in user.
    OrgUsers,
    /// A user's root items and folder list.
    UserRoot {
        /// Username.
        username: String,
    },
    /// The items of one folder.
    Folder {
        /// Owner.
        username: String,
        /// Folder id.
        folder_id: String,
    },
}

/// What a load returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded {
    /// Users of the org.
    Users(Vec<String>),
    /// A user's folders (id, title) and root items.
    UserRoot {
        /// Folders as (id, title).
        folders: Vec<(String, String)>,
        /// Root items.
        items: Vec<ItemInfo>,
    },
    /// A folder's items.
    Items(Vec<ItemInfo>),
}

/// The loading state of a container's children.
#[derive(Debug, Clone, PartialEq)]
pub enum Children {
    /// Never asked for.
    NotLoaded,
    /// A request with this generation is in flight.
    Loading {
        /// The generation the answer must carry.
        generation: u64,
    },
    /// Known.
    Loaded(Vec<NodeId>),
    /// The request failed; unfold again to retry.
    Failed(String),
}

/// One node.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub kind: NodeKind,
    /// Parent, `None` for the root.
    pub parent: Option<NodeId>,
    /// Children (items have none).
    pub children: Children,
    /// Unfolded.
    pub expanded: bool,
    /// Marked (items only).
    pub marked: bool,
    /// Mark every item below once the children arrive (space on an unloaded container).
    pub mark_on_load: bool,
}

impl Node {
    /// True for items.
    pub fn is_item(&self) -> bool {
        matches!(self.kind, NodeKind::Item(_))
    }

    /// The item, when this is one.
    pub fn item(&self) -> Option<&ItemInfo> {
        match &self.kind {
            NodeKind::Item(i) => Some(i),
            _ => None,
        }
    }

    /// The text shown for the node.
    pub fn label(&self) -> &str {
        match &self.kind {
            NodeKind::Org { name } => name,
            NodeKind::User { username } => username,
            NodeKind::Folder { title, .. } => title,
            NodeKind::Item(i) => &i.title,
        }
    }
}

/// One visible row: a node and its depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// The node.
    pub node: NodeId,
    /// Depth (root 0).
    pub depth: u16,
}

/// Filters applied to items (containers always show).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Case-insensitive substring of the title, type or owner.
    pub text: String,
    /// Only these item types (empty: all).
    pub types: BTreeSet<String>,
}

impl Filter {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty() && self.types.is_empty()
    }

    /// True when the item passes.
    pub fn keeps(&self, item: &ItemInfo) -> bool {
        if !self.types.is_empty() && !self.types.contains(&item.item_type) {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.to_lowercase();
        item.title.to_lowercase().contains(&needle)
            || item.item_type.to_lowercase().contains(&needle)
            || item.id.contains(&needle)
    }
}

/// The content tree.
#[derive(Debug, Clone)]
pub struct Tree {
    nodes: Vec<Node>,
    rows: Vec<Row>,
    filter: Filter,
    marked: BTreeSet<NodeId>,
    next_generation: u64,
}

impl Tree {
    /// A tree holding only the org root (children not loaded).
    pub fn new(org_name: &str) -> Tree {
        let mut t = Tree {
            nodes: vec![Node {
                kind: NodeKind::Org {
                    name: org_name.to_string(),
                },
                parent: None,
                children: Children::NotLoaded,
                expanded: false,
                marked: false,
                mark_on_load: false,
            }],
            rows: Vec::new(),
            filter: Filter::default(),
            marked: BTreeSet::new(),
            next_generation: 1,
        };
        t.refresh_rows();
        t
    }

    /// The root node.
    pub fn root(&self) -> NodeId {
        NodeId(0)
    }

    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false: the root exists.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The visible rows, in order.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The active filter.
    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Replaces the filter and rebuilds the rows.
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.refresh_rows();
    }

    /// What `node` needs fetched, if it is a container whose children are not known.
    pub fn load_request(&self, id: NodeId) -> Option<LoadRequest> {
        match &self.node(id).kind {
            NodeKind::Org { .. } => Some(LoadRequest::OrgUsers),
            NodeKind::User { username } => Some(LoadRequest::UserRoot {
                username: username.clone(),
            }),
            NodeKind::Folder { username, id, .. } => Some(LoadRequest::Folder {
                username: username.clone(),
                folder_id: id.clone(),
            }),
            NodeKind::Item(_) => None,
        }
    }

    /// Marks the container as loading and returns the generation its answer must carry, or
    /// `None` when it is an item, already loaded or already loading.
    pub fn begin_load(&mut self, id: NodeId) -> Option<(u64, LoadRequest)> {
        let node = &self.nodes[id.0];
        if node.is_item() || !matches!(node.children, Children::NotLoaded | Children::Failed(_)) {
            return None;
        }
        let request = self.load_request(id)?;
        let generation = self.next_generation;
        self.next_generation += 1;
        self.nodes[id.0].children = Children::Loading { generation };
        self.refresh_rows();
        Some((generation, request))
    }

    /// Forgets a container's children and starts a new load (a reload); answers to the
    /// previous load become stale.
    pub fn reload(&mut self, id: NodeId) -> Option<(u64, LoadRequest)> {
        if self.node(id).is_item() {
            return None;
        }
        self.unmark_below(id);
        self.nodes[id.0].children = Children::NotLoaded;
        self.begin_load(id)
    }

    fn unmark_below(&mut self, id: NodeId) {
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            self.marked.remove(&n);
            if let Children::Loaded(c) = &self.nodes[n.0].children {
                stack.extend(c.iter().copied());
            }
        }
    }

    /// Applies a load answer. Returns false (and changes nothing) when it is stale: the node
    /// no longer waits for this generation. Returns the new containers that must load now
    /// because a mark was waiting on them.
    pub fn apply_load(
        &mut self,
        id: NodeId,
        generation: u64,
        result: Result<Loaded, String>,
    ) -> Option<Vec<NodeId>> {
        if id.0 >= self.nodes.len()
            || self.nodes[id.0].children != (Children::Loading { generation })
        {
            return None;
        }
        let loaded = match result {
            Ok(l) => l,
            Err(e) => {
                self.nodes[id.0].children = Children::Failed(e);
                self.refresh_rows();
                return Some(Vec::new());
            }
        };
        let mut kids = Vec::new();
        let mut push = |tree: &mut Tree, kind: NodeKind| {
            let nid = NodeId(tree.nodes.len());
            let is_item = matches!(kind, NodeKind::Item(_));
            tree.nodes.push(Node {
                kind,
                parent: Some(id),
                children: if is_item {
                    Children::Loaded(Vec::new())
                } else {
                    Children::NotLoaded
                },
                expanded: false,
                marked: false,
                mark_on_load: false,
            });
            kids.push(nid);
        };
        match loaded {
            Loaded::Users(users) => {
                for u in users {
                    push(self, NodeKind::User { username: u });
                }
            }
            Loaded::UserRoot { folders, items } => {
                let username = match &self.nodes[id.0].kind {
                    NodeKind::User { username } => username.clone(),
                    _ => String::new(),
                };
                for (fid, title) in folders {
                    push(
                        self,
                        NodeKind::Folder {
                            username: username.clone(),
                            id: fid,
                            title,
                        },
                    );
                }
                for i in items {
                    push(self, NodeKind::Item(i));
                }
            }
            Loaded::Items(items) => {
                for i in items {
                    push(self, NodeKind::Item(i));
                }
            }
        }
        self.nodes[id.0].children = Children::Loaded(kids.clone());
        let mut to_load = Vec::new();
        if self.nodes[id.0].mark_on_load {
            self.nodes[id.0].mark_on_load = false;
            for k in kids {
                if self.nodes[k.0].is_item() {
                    self.set_mark(k, true);
                } else {
                    self.nodes[k.0].mark_on_load = true;
                    to_load.push(k);
                }
            }
        }
        self.refresh_rows();
        Some(to_load)
    }

    fn set_mark(&mut self, id: NodeId, on: bool) {
        self.nodes[id.0].marked = on;
        if on {
            self.marked.insert(id);
        } else {
            self.marked.remove(&id);
        }
    }

    /// Unfolds a container; returns true when it changed.
    pub fn expand(&mut self, id: NodeId) -> bool {
        let n = &mut self.nodes[id.0];
        if n.is_item() || n.expanded {
            return false;
        }
        n.expanded = true;
        self.refresh_rows();
        true
    }

    /// Folds a container; returns true when it changed.
    pub fn collapse(&mut self, id: NodeId) -> bool {
        let n = &mut self.nodes[id.0];
        if !n.expanded {
            return false;
        }
        n.expanded = false;
        self.refresh_rows();
        true
    }

    /// Toggles the mark of an item, or of every item below a container (all marked → unmark,
    /// otherwise mark). Containers not loaded yet are returned: they must load, and their items
    /// get marked when they arrive.
    pub fn toggle_mark(&mut self, id: NodeId) -> Vec<NodeId> {
        if self.node(id).is_item() {
            let on = !self.node(id).marked;
            self.set_mark(id, on);
            return Vec::new();
        }
        let (items, unloaded) = self.items_below(id, true);
        let all_marked = unloaded.is_empty()
            && !items.is_empty()
            && items.iter().all(|i| self.nodes[i.0].marked);
        let pending = self.pending_mark_below(id);
        if all_marked || pending {
            for i in items {
                self.set_mark(i, false);
            }
            self.clear_pending(id);
            return Vec::new();
        }
        for i in items {
            self.set_mark(i, true);
        }
        let mut to_load = Vec::new();
        for c in unloaded {
            self.nodes[c.0].mark_on_load = true;
            if matches!(
                self.nodes[c.0].children,
                Children::NotLoaded | Children::Failed(_)
            ) {
                to_load.push(c);
            }
        }
        to_load
    }

    fn pending_mark_below(&self, id: NodeId) -> bool {
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            if self.nodes[n.0].mark_on_load {
                return true;
            }
            if let Children::Loaded(c) = &self.nodes[n.0].children {
                stack.extend(c.iter().copied());
            }
        }
        false
    }

    fn clear_pending(&mut self, id: NodeId) {
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            self.nodes[n.0].mark_on_load = false;
            if let Children::Loaded(c) = &self.nodes[n.0].children {
                stack.extend(c.iter().copied());
            }
        }
    }

    /// Items below a container (filtered or not) and the containers below it whose children
    /// are not loaded.
    fn items_below(&self, id: NodeId, filtered: bool) -> (Vec<NodeId>, Vec<NodeId>) {
        let mut items = Vec::new();
        let mut unloaded = Vec::new();
        let mut stack = vec![id];
        while let Some(n) = stack.pop() {
            let node = &self.nodes[n.0];
            match (&node.kind, &node.children) {
                (NodeKind::Item(info), _) => {
                    if !filtered || self.filter.keeps(info) {
                        items.push(n);
                    }
                }
                (_, Children::Loaded(c)) => stack.extend(c.iter().rev().copied()),
                _ => unloaded.push(n),
            }
        }
        (items, unloaded)
    }

    /// Marks every visible item; returns how many became marked.
    pub fn mark_visible(&mut self) -> usize {
        let ids: Vec<NodeId> = self
            .rows
            .iter()
            .map(|r| r.node)
            .filter(|n| self.nodes[n.0].is_item() && !self.nodes[n.0].marked)
            .collect();
        for i in &ids {
            self.set_mark(*i, true);
        }
        ids.len()
    }

    /// Clears every mark (and pending container marks).
    pub fn clear_marks(&mut self) {
        for id in std::mem::take(&mut self.marked) {
            self.nodes[id.0].marked = false;
        }
        for n in &mut self.nodes {
            n.mark_on_load = false;
        }
    }

    /// Unmarks one item.
    pub fn unmark(&mut self, id: NodeId) {
        self.set_mark(id, false);
    }

    /// Marked items in tree order.
    pub fn marked(&self) -> Vec<NodeId> {
        self.marked.iter().copied().collect()
    }

    /// Number of marked items.
    pub fn marked_count(&self) -> usize {
        self.marked.len()
    }

    /// Total size of the marked items.
    pub fn marked_size(&self) -> u64 {
        self.marked
            .iter()
            .filter_map(|n| self.nodes[n.0].item())
            .map(|i| i.size)
            .sum()
    }

    /// (marked, loaded items) below a container.
    pub fn mark_counts(&self, id: NodeId) -> (usize, usize) {
        let (items, _) = self.items_below(id, false);
        let marked = items.iter().filter(|i| self.nodes[i.0].marked).count();
        (marked, items.len())
    }

    /// True while a container waits to mark its items.
    pub fn mark_pending(&self, id: NodeId) -> bool {
        self.pending_mark_below(id)
    }

    /// Every item type seen so far, sorted.
    pub fn item_types(&self) -> Vec<String> {
        let set: BTreeSet<&str> = self
            .nodes
            .iter()
            .filter_map(|n| n.item())
            .map(|i| i.item_type.as_str())
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// Rebuilds the visible rows from the expanded nodes and the filter.
    pub fn refresh_rows(&mut self) {
        let mut rows = Vec::with_capacity(self.rows.len());
        let mut stack = vec![(self.root(), 0u16)];
        while let Some((id, depth)) = stack.pop() {
            let node = &self.nodes[id.0];
            if let Some(info) = node.item()
                && !self.filter.keeps(info)
            {
                continue;
            }
            rows.push(Row { node: id, depth });
            if node.expanded
                && let Children::Loaded(kids) = &node.children
            {
                stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
            }
        }
        self.rows = rows;
    }

    /// The visible row index of a node.
    pub fn row_of(&self, id: NodeId) -> Option<usize> {
        self.rows.iter().position(|r| r.node == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, ty: &str) -> ItemInfo {
        ItemInfo {
            id: id.into(),
            title: format!("Title {id}"),
            item_type: ty.into(),
            owner: "u".into(),
            size: 10,
            modified: 0,
        }
    }

    #[test]
    fn lazy_load_marks_and_stale_answers() {
        let mut t = Tree::new("Org");
        let (g, req) = t.begin_load(t.root()).unwrap();
        assert_eq!(req, LoadRequest::OrgUsers);
        assert!(t.begin_load(t.root()).is_none(), "already loading");
        assert!(
            t.apply_load(t.root(), g + 7, Ok(Loaded::Users(vec!["x".into()])))
                .is_none()
        );
        t.apply_load(t.root(), g, Ok(Loaded::Users(vec!["u".into()])))
            .unwrap();
        t.expand(t.root());
        assert_eq!(t.rows().len(), 2);
        let user = t.rows()[1].node;
        // Space on an unloaded user: it must load, then its items get marked.
        let to_load = t.toggle_mark(user);
        assert_eq!(to_load, vec![user]);
        let (g, _) = t.begin_load(user).unwrap();
        let more = t
            .apply_load(
                user,
                g,
                Ok(Loaded::UserRoot {
                    folders: vec![("f1".into(), "Folder".into())],
                    items: vec![item("a", "Web Map"), item("b", "CSV")],
                }),
            )
            .unwrap();
        assert_eq!(t.marked_count(), 2);
        assert_eq!(more.len(), 1);
        let folder = more[0];
        let (g, _) = t.begin_load(folder).unwrap();
        t.apply_load(folder, g, Ok(Loaded::Items(vec![item("c", "CSV")])))
            .unwrap();
        assert_eq!(t.marked_count(), 3);
        assert_eq!(t.mark_counts(user), (3, 3));
        t.toggle_mark(user);
        assert_eq!(t.marked_count(), 0);
    }

    #[test]
    fn filters_hide_items_not_containers() {
        let mut t = Tree::new("Org");
        let (g, _) = t.begin_load(t.root()).unwrap();
        t.apply_load(t.root(), g, Ok(Loaded::Users(vec!["u".into()])));
        t.expand(t.root());
        let user = t.rows()[1].node;
        let (g, _) = t.begin_load(user).unwrap();
        t.apply_load(
            user,
            g,
            Ok(Loaded::UserRoot {
                folders: vec![],
                items: vec![item("a", "Web Map"), item("b", "CSV")],
            }),
        );
        t.expand(user);
        assert_eq!(t.rows().len(), 4);
        t.set_filter(Filter {
            text: String::new(),
            types: ["CSV".to_string()].into(),
        });
        assert_eq!(t.rows().len(), 3);
        assert_eq!(t.mark_visible(), 1);
        assert_eq!(t.item_types(), vec!["CSV", "Web Map"]);
    }
}
