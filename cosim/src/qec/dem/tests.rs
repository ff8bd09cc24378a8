use proptest::prelude::*;

use super::*;

fn parse(text: &str) -> Dem {
    Dem::parse(text, "t.dem").unwrap_or_else(|e| panic!("{e}"))
}

fn piece(detectors: &[u32], observables: u64) -> Piece {
    Piece {
        detectors: detectors.to_vec(),
        observables,
    }
}

fn err_of(text: &str) -> String {
    Dem::parse(text, "bad.dem").unwrap_err().to_string()
}

#[test]
fn errors_pieces_and_coordinates() {
    let dem = parse(
        "# a comment\n\
         error(0.125) D1 D0 L0   # trailing comment\n\
         \n\
         error(0.25) D2 ^ D1 D0 L1\n\
         error[tagged](0.5) D3\n\
         detector(0, 4, 0) D0\n\
         detector(2.5, 2, 1) D2 D3\n\
         logical_observable L3\n",
    );
    assert_eq!(dem.num_detectors(), 4);
    assert_eq!(dem.num_observables, 4);
    assert_eq!(
        dem.detectors,
        vec![
            Some(vec![0.0, 4.0, 0.0]),
            None,
            Some(vec![2.5, 2.0, 1.0]),
            Some(vec![2.5, 2.0, 1.0])
        ]
    );
    let got: Vec<(f64, Vec<Piece>, usize)> = dem
        .mechanisms
        .iter()
        .map(|m| (m.probability, m.pieces.clone(), m.line))
        .collect();
    assert_eq!(
        got,
        vec![
            (0.125, vec![piece(&[0, 1], 1)], 2),
            (0.25, vec![piece(&[2], 0), piece(&[0, 1], 2)], 4),
            (0.5, vec![piece(&[3], 0)], 5),
        ]
    );
}

/// stim's doc example (a diagonal line of detectors), with 3 repetitions.
#[test]
fn repeat_and_shift_detectors_follow_stims_offsets() {
    let dem = parse(
        "detector(0, 0) D0\n\
         repeat 3 {\n\
         \x20   detector(0.5, 0.5) D1\n\
         \x20   error(0.01) D0 D1\n\
         \x20   shift_detectors(0.5, 0.5) 1\n\
         }\n\
         error(0.02) D0\n",
    );
    let coords: Vec<Vec<f64>> = dem.detectors.iter().map(|c| c.clone().unwrap()).collect();
    assert_eq!(
        coords,
        vec![
            vec![0.0, 0.0],
            vec![0.5, 0.5],
            vec![1.0, 1.0],
            vec![1.5, 1.5]
        ]
    );
    let pieces: Vec<Vec<u32>> = dem
        .mechanisms
        .iter()
        .map(|m| m.pieces[0].detectors.clone())
        .collect();
    // After three shifts of 1, `D0` is detector 3.
    assert_eq!(pieces, vec![vec![0, 1], vec![1, 2], vec![2, 3], vec![3]]);
    assert_eq!(dem.mechanisms[3].line, 7);
    assert_eq!(dem.mechanisms[1].line, 4);
}

/// stim: an offset longer than a detector's coordinates is cut to its length.
#[test]
fn coordinate_offsets_apply_per_position() {
    let dem = parse("shift_detectors(1, 2, 3) 0\ndetector(10, 10) D0\ndetector(1, 1, 1, 1) D1\n");
    assert_eq!(dem.detectors[0], Some(vec![11.0, 12.0]));
    assert_eq!(dem.detectors[1], Some(vec![2.0, 3.0, 4.0, 1.0]));
}

#[test]
fn nested_repeats_multiply() {
    let dem = parse("repeat 2 {\n repeat 3 {\n error(0.1) D0\n shift_detectors 1\n }\n}\n");
    assert_eq!(dem.mechanisms.len(), 6);
    assert_eq!(dem.num_detectors(), 6);
    assert_eq!(dem.mechanisms[5].pieces[0].detectors, vec![5]);
}

#[test]
fn bad_lines_name_file_and_line() {
    let cases = [
        (
            "error(0.1) D0\nerrr(0.1) D1\n",
            "bad.dem:2: unknown instruction `errr`",
        ),
        (
            "error(1.5) D0\n",
            "bad.dem:1: probability 1.5 is not in [0, 1]",
        ),
        (
            "\nerror(0.1, 0.2) D0\n",
            "bad.dem:2: `error` takes one argument",
        ),
        ("error(0.1) D0 X3\n", "bad.dem:1: unknown target `X3`"),
        ("error(0.1) D0 ^\n", "bad.dem:1: empty piece after `^`"),
        ("error(0.1) ^ D0\n", "bad.dem:1: empty piece around `^`"),
        (
            "error(0.1) D0 D0\n",
            "bad.dem:1: D0 appears twice in one piece",
        ),
        ("error(abc) D0\n", "bad.dem:1: `abc` is not a finite number"),
        ("error(0.1 D0\n", "bad.dem:1: `(` is never closed"),
        ("error(0.1)D0\n", "bad.dem:1: unexpected `D0` after `error`"),
        (
            "error(0.1) D1048576\n",
            "bad.dem:1: detector index 1048576 is out of range",
        ),
        (
            "error(0.1) D99999999999999999999\n",
            "bad.dem:1: target `D99999999999999999999` is out of range",
        ),
        (
            "error(0.1) D0 L64\n",
            "bad.dem:1: observable L64 is out of range",
        ),
        (
            "repeat 2 {\nerror(0.1) D0\n",
            "bad.dem:1: `repeat` block is never closed",
        ),
        (
            "error(0.1) D0\n}\n",
            "bad.dem:2: `}` without an open `repeat` block",
        ),
        ("repeat 0 {\n}\n", "bad.dem:1: `repeat 0` is not allowed"),
        ("repeat 2\n", "bad.dem:1: `repeat N` must end with `{`"),
        (
            "error(0.1) D0 {\n}\n",
            "bad.dem:1: `error` cannot open a block",
        ),
        (
            "detector(1) D0\ndetector(2) D0\n",
            "bad.dem:2: detector D0 is declared again",
        ),
        (
            "shift_detectors D1\n",
            "bad.dem:1: `shift_detectors` takes one number target",
        ),
        (
            "error(0.1) 5\n",
            "bad.dem:1: `error` takes `D`, `L` and `^` targets, not `5`",
        ),
        ("détecteur D0\n", "bad.dem:1: non-ASCII character"),
        (
            "repeat 4000000000 {\nshift_detectors 0\n}\n",
            "bad.dem:2: the model expands to more than",
        ),
    ];
    for (text, want) in cases {
        let got = err_of(text);
        assert!(
            got.starts_with(want),
            "{text:?}: got `{got}`, want `{want}`"
        );
    }
}

#[test]
fn to_text_writes_what_parse_reads() {
    let text = "error(0.125) D0 D1 L0\n\
                error(0.25) D2 ^ D0 D1 L1\n\
                error(0.1)\n\
                detector(0, 4, 0) D0\n\
                detector D2\n\
                logical_observable L2\n";
    let dem = parse(text);
    assert_eq!(dem.to_text(), text);
}

fn arbitrary_dem() -> impl Strategy<Value = Dem> {
    let piece = (prop::collection::btree_set(0u32..40, 1..4), 0u64..8).prop_map(|(d, o)| Piece {
        detectors: d.into_iter().collect(),
        observables: o,
    });
    let mechanism = (0.0f64..=1.0, prop::collection::vec(piece, 1..4));
    (
        prop::collection::vec(mechanism, 0..12),
        prop::collection::vec(
            prop::option::of(prop::collection::vec(-50i32..50, 0..4)),
            40,
        ),
    )
        .prop_map(|(mechanisms, coords)| {
            let mut dem = Dem {
                file: "gen".into(),
                detectors: coords
                    .into_iter()
                    .map(|c| c.map(|c| c.into_iter().map(|x| f64::from(x) / 4.0).collect()))
                    .collect(),
                num_observables: 4,
                mechanisms: mechanisms
                    .into_iter()
                    .enumerate()
                    .map(|(i, (probability, pieces))| Mechanism {
                        probability,
                        pieces,
                        line: i + 1,
                    })
                    .collect(),
            };
            // The declared size must be what a parser infers: keep the last detector declared.
            dem.detectors[39].get_or_insert_with(Vec::new);
            dem.num_observables = dem
                .mechanisms
                .iter()
                .flat_map(|m| &m.pieces)
                .map(|p| 64 - p.observables.leading_zeros())
                .max()
                .unwrap_or(0)
                .max(1);
            dem
        })
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = Dem::parse(&text, "fuzz.dem");
    }

    #[test]
    fn parse_never_panics_on_dem_like_text(
        lines in prop::collection::vec(
            prop::sample::select(vec![
                "error(0.1) D0 D1", "error(0.2) D3 ^ D1 L0", "error(", "error(0.1) ^", "detector(1, 2) D4",
                "shift_detectors(0, 1) 2", "repeat 3 {", "}", "logical_observable L2", "# c", "", "D5",
                "repeat 99999 {", "error(1e-3) D7 L63", "detector D0 D0", ")", "error[x](0.5) D2",
            ]),
            0..30,
        )
    ) {
        let _ = Dem::parse(&lines.join("\n"), "fuzz.dem");
    }

    #[test]
    fn to_text_round_trips(dem in arbitrary_dem()) {
        let back = Dem::parse(&dem.to_text(), "gen").unwrap();
        prop_assert_eq!(&back.detectors, &dem.detectors);
        prop_assert_eq!(back.num_observables, dem.num_observables);
        let strip = |d: &Dem| d.mechanisms.iter().map(|m| (m.probability, m.pieces.clone())).collect::<Vec<_>>();
        prop_assert_eq!(strip(&back), strip(&dem));
    }
}

/// Every DEM stim wrote for the fixtures parses, and its text round-trips.
#[test]
fn every_fixture_dem_parses() {
    let mut parsed = 0;
    for entry in std::fs::read_dir(crate::qec::fixtures::dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "dem") {
            let name = path.display().to_string();
            let dem = parse(&std::fs::read_to_string(&path).unwrap());
            assert!(!dem.mechanisms.is_empty(), "{name}");
            let back = Dem::parse(&dem.to_text(), &name).unwrap();
            assert_eq!(back.detectors, dem.detectors, "{name}");
            parsed += 1;
        }
    }
    assert_eq!(parsed, 7);
}
