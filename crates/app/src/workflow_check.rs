//! A model check of the workflow's state machine: any sequence of actions by people with
//! different roles on a small round, each compared with what the rules of [`crate::workflow`]
//! (the table in its module documentation, the roles of [`crate::auth`]) say must happen.
//! After every action the stored states must equal the model's and the action must have
//! succeeded exactly when the rules allow it; a locked round changes no more. Driven by a
//! property test here and by the cargo-fuzz target `workflow` (fuzz/).

use crate::workflow::{change_state, save_line, LineInput, Step};
use delar_core::{Amount, OrgKind, OrgNode, Round};
use delar_forecast::{ForecastLine, Method};
use delar_store::prelude::*;
use delar_store::{ComputedLine, LedgerBy, SqlStore, TemplateSource, WorkflowState};

/// The people of the check: (name, role, node); `okand` has no account.
const PEOPLE: [(&str, &str, &str); 4] = [
    ("chef-sn1", "enhetschef", "SN1"),
    ("chef-sn2", "enhetschef", "SN2"),
    ("ekonom-sn", "ekonom", "SN"),
    ("revisor", "lasare", "PO"),
];
const ACTORS: [&str; 5] = ["chef-sn1", "chef-sn2", "ekonom-sn", "revisor", "okand"];
const NODES: [&str; 2] = ["SN1", "SN2"];
/// The line whose forecast is far from the pace so far: flagged, so its unit cannot be
/// submitted (nor the round locked) while it has no comment.
const FLAGGED: &str = "kop_verksamhet";
const PLAIN: &str = "personal";

/// One action of a sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// A workflow step by an actor on a node, with or without a comment.
    Step(usize, usize, Step, bool),
    /// The actor sets (true) or clears (false) the flagged line's comment on a node.
    Comment(usize, usize, bool),
    /// The actor sets a manual amount with a comment on the node's plain line.
    Amount(usize, usize),
    /// A controller locks the round.
    Lock,
}

impl Op {
    /// Decode actions from bytes (three per action), as the fuzz target does.
    pub fn decode(bytes: &[u8]) -> Vec<Op> {
        bytes
            .chunks_exact(3)
            .map(|c| {
                let (who, node) = (c[0] as usize % ACTORS.len(), c[1] as usize % NODES.len());
                match c[2] % 10 {
                    k @ 0..=3 => Op::Step(who, node, Step::ALL[k as usize], c[1] & 0x80 != 0),
                    4 => Op::Step(who, node, Step::Return, false),
                    5 | 6 => Op::Comment(who, node, c[2] % 10 == 5),
                    7 | 8 => Op::Amount(who, node),
                    _ => Op::Lock,
                }
            })
            .collect()
    }
}

/// The model: what the rules say the state is.
#[derive(Clone, Debug)]
struct Model {
    state: [WorkflowState; 2],
    submitter: [Option<usize>; 2],
    commented: [bool; 2],
    locked: bool,
}

fn role_on(who: usize, node: usize) -> Option<&'static str> {
    match (who, node) {
        (0, 0) | (1, 1) => Some("enhetschef"),
        (2, _) => Some("ekonom"),
        (3, _) => Some("lasare"),
        _ => None,
    }
}

impl Model {
    /// Whether the rules allow `op`, and the model after it.
    fn apply(&self, op: Op) -> (bool, Model) {
        use WorkflowState::*;
        let mut next = self.clone();
        if self.locked {
            return (false, next);
        }
        let allowed = match op {
            Op::Step(who, n, step, comment) => {
                let role = role_on(who, n);
                let s = self.state[n];
                let ok = match step {
                    Step::Submit => {
                        role == Some("enhetschef")
                            && matches!(s, Draft | Returned)
                            && self.commented[n]
                    }
                    Step::Recall => {
                        role == Some("enhetschef")
                            && s == Submitted
                            && self.submitter[n] == Some(who)
                    }
                    Step::Approve => role == Some("ekonom") && s == Submitted,
                    Step::Return => {
                        role == Some("ekonom") && matches!(s, Submitted | Approved) && comment
                    }
                };
                if ok {
                    next.state[n] = match step {
                        Step::Submit => Submitted,
                        Step::Recall => Draft,
                        Step::Approve => Approved,
                        Step::Return => Returned,
                    };
                    if step == Step::Submit {
                        next.submitter[n] = Some(who);
                    }
                }
                ok
            }
            Op::Comment(who, n, set) => {
                let ok = self.may_edit(who, n);
                if ok {
                    next.commented[n] = set;
                }
                ok
            }
            Op::Amount(who, n) => self.may_edit(who, n),
            Op::Lock => {
                next.locked = self.commented.iter().all(|c| *c);
                next.locked
            }
        };
        (allowed, next)
    }

    /// A unit manager edits their own unit while it is a draft or returned; a controller
    /// edits any unit in scope whatever its state; nobody else edits.
    fn may_edit(&self, who: usize, n: usize) -> bool {
        match role_on(who, n) {
            Some("enhetschef") => matches!(
                self.state[n],
                WorkflowState::Draft | WorkflowState::Returned
            ),
            Some("ekonom") => true,
            _ => false,
        }
    }
}

fn node(code: &str, name: &str, kind: OrgKind, parent: Option<&str>) -> OrgNode {
    OrgNode {
        code: code.into(),
        name: name.into(),
        kind,
        parent: parent.map(Into::into),
        from: None,
        to: None,
        activity: None,
    }
}

fn computed(node: &str, group: &str, forecast: i64, to_date: i64) -> ComputedLine {
    let tk = |v: i64| Amount::from_ore(v * 100_000);
    ComputedLine {
        line: ForecastLine {
            node: node.into(),
            group: group.into(),
            method: Method::Seasonal,
            base: tk(forecast),
            explanation: String::new(),
            adjustments: vec![],
            to_date: tk(to_date),
            budget: tk(forecast),
            comment: None,
        },
        recommended: Some(Method::Seasonal),
        budget_to_date: tk(to_date),
        estimates: vec![],
    }
}

/// A fresh in-memory database: programme area PO, committee SN with units SN1 and SN2, each
/// with a flagged and a plain line in round 2025-P2, and the people of [`PEOPLE`].
pub fn fixture() -> SqlStore {
    let mut s = SqlStore::open_in_memory().expect("in-memory database");
    let nodes = [
        node("PO", "Programområde", OrgKind::Programomrade, None),
        node("SN", "Socialnämnden", OrgKind::Namnd, Some("PO")),
        node("SN1", "Barn och unga", OrgKind::Enhet, Some("SN")),
        node("SN2", "Vuxna", OrgKind::Enhet, Some("SN")),
    ];
    let source = TemplateSource {
        file_name: "organisation.csv",
        sha256: "0",
        lines: &[2, 3, 4, 5],
    };
    s.import_organisation(&source, &nodes)
        .expect("organisation");
    let round = Round::parse("2025-P2").expect("round");
    // 1 000 tkr to date, 1 100 for the year: the rest (100) is far from the pace (500).
    let lines: Vec<ComputedLine> = NODES
        .iter()
        .flat_map(|n| {
            [
                computed(n, FLAGGED, 1_100, 1_000),
                computed(n, PLAIN, 900, 600),
            ]
        })
        .collect();
    s.save_round(&round, LedgerBy::Group, &lines, "ekonom-sn")
        .expect("round");
    for (name, role, node) in PEOPLE {
        s.add_user(
            name,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            "admin",
        )
        .expect("user");
        s.grant(name, role, node, "admin").expect("grant");
    }
    s
}

/// Run `ops` on a fresh [`fixture`] and panic at the first action whose outcome or stored
/// state differs from the model's.
pub fn check(ops: &[Op]) {
    let mut s = fixture();
    let round = Round::parse("2025-P2").expect("round");
    let mut model = Model {
        state: [WorkflowState::Draft; 2],
        submitter: [None; 2],
        commented: [false; 2],
        locked: false,
    };
    for (i, &op) in ops.iter().enumerate() {
        let (allowed, next) = model.apply(op);
        let result: Result<(), String> = match op {
            Op::Step(who, n, step, comment) => change_state(
                &mut s,
                ACTORS[who],
                &round,
                NODES[n],
                step,
                None,
                if comment {
                    "Rätta prognosen för placeringarna."
                } else {
                    ""
                },
            )
            .map(|_| ())
            .map_err(|e| e.to_string()),
            Op::Comment(who, n, set) => line_input(&s, n, FLAGGED).and_then(|version| {
                save_line(
                    &mut s,
                    ACTORS[who],
                    &round,
                    NODES[n],
                    &LineInput {
                        group: FLAGGED,
                        version,
                        amount: "",
                        method: "",
                        comment: if set {
                            "Fler placeringar under hösten."
                        } else {
                            ""
                        },
                    },
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            }),
            Op::Amount(who, n) => line_input(&s, n, PLAIN).and_then(|version| {
                save_line(
                    &mut s,
                    ACTORS[who],
                    &round,
                    NODES[n],
                    &LineInput {
                        group: PLAIN,
                        version,
                        amount: "950",
                        method: "",
                        comment: "Två tjänster vakanta i höst.",
                    },
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            }),
            Op::Lock => s
                .lock_round(&round.id(), "ekonom-sn")
                .map_err(|e| e.to_string()),
        };
        if let Err(e) = &result {
            assert!(
                !e.trim().is_empty(),
                "action {i} {op:?} failed without a message"
            );
        }
        assert_eq!(
            result.is_ok(),
            allowed,
            "action {i} {op:?} from {model:?}: the rules say {}, the application answered \
             {result:?}",
            if allowed { "allowed" } else { "refused" }
        );
        model = next;
        for (n, code) in NODES.iter().enumerate() {
            let stored = s.workflow_state(&round.id(), code).expect("state").state;
            assert_eq!(
                stored, model.state[n],
                "after action {i} {op:?}: {code} is {stored:?}, the rules say {:?}",
                model.state[n]
            );
        }
    }
}

fn line_input(s: &SqlStore, n: usize, group: &str) -> Result<i64, String> {
    s.forecast_line_details("2025-P2")
        .map_err(|e| e.to_string())?
        .into_iter()
        .find(|d| d.line.node == NODES[n] && d.line.group == group)
        .map(|d| d.version)
        .ok_or_else(|| format!("{}:{group} saknas", NODES[n]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_whole_round_follows_the_rules() {
        // Submit is refused until the flagged line has a comment; the controller returns,
        // the unit manager corrects and resubmits, the controller approves; a lock needs both
        // units' flagged lines explained, and nothing changes after it.
        check(&[
            Op::Step(0, 0, Step::Submit, false),
            Op::Comment(0, 0, true),
            Op::Step(1, 0, Step::Submit, false),
            Op::Step(0, 0, Step::Submit, false),
            Op::Comment(0, 0, false),
            Op::Step(0, 0, Step::Recall, false),
            Op::Step(1, 0, Step::Recall, false),
            Op::Step(0, 0, Step::Recall, false),
            Op::Step(0, 0, Step::Submit, false),
            Op::Step(2, 0, Step::Return, false),
            Op::Step(2, 0, Step::Return, true),
            Op::Amount(0, 0),
            Op::Step(0, 0, Step::Submit, false),
            Op::Step(3, 0, Step::Approve, false),
            Op::Step(2, 0, Step::Approve, false),
            Op::Amount(0, 0),
            Op::Amount(2, 0),
            Op::Lock,
            Op::Comment(2, 1, true),
            Op::Lock,
            Op::Step(2, 0, Step::Return, true),
            Op::Comment(2, 1, false),
            // The same amount and comment again: it would change nothing, and is still refused.
            Op::Amount(2, 0),
        ]);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn any_sequence_of_actions_follows_the_rules(bytes in proptest::collection::vec(any::<u8>(), 0..90)) {
            check(&Op::decode(&bytes));
        }
    }
}
