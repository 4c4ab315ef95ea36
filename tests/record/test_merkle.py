import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree, InvalidProof

from record.merkle import (
    MemoryTree,
    TreeHasher,
    completed_perfect_nodes,
    consistency_proof,
    inclusion_proof,
    perfect_subtree_hash,
    root_from,
    split_point,
    verify_consistency,
    verify_inclusion,
)

SHA256 = TreeHasher("sha256")
SM3 = TreeHasher("sm3")

# The leaves of the RFC 6962 reference implementation's tests (certificate-transparency, merkle_tree_test.cc).
REFERENCE_LEAVES = [bytes.fromhex(text) for text in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
REFERENCE_ROOTS = [  # sizes 0..8
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
REFERENCE_INCLUSION_PROOFS = [  # (leaf index, tree size, proof)
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
REFERENCE_CONSISTENCY_PROOFS = [  # (old size, new size, proof)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]


def naive_root(leaf_hashes: list[bytes], hasher: TreeHasher = SHA256) -> bytes:
    """MTH straight from the RFC 9162 §2.1.1 definition."""
    if not leaf_hashes:
        return hasher.empty_root()
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = 1
    while k * 2 < len(leaf_hashes):
        k *= 2
    return hasher.node(naive_root(leaf_hashes[:k], hasher), naive_root(leaf_hashes[k:], hasher))


def distinct_leaves(count: int, hasher: TreeHasher = SHA256) -> list[bytes]:
    return [hasher.leaf(i.to_bytes(4, "big")) for i in range(count)]


def flip_byte(proof: list[bytes], position: int) -> list[bytes]:
    hashes = list(proof)
    altered = bytearray(hashes[position])
    altered[0] ^= 0x01
    hashes[position] = bytes(altered)
    return hashes


REFERENCE_TREE = MemoryTree(SHA256, [SHA256.leaf(data) for data in REFERENCE_LEAVES])
BIG_TREE = MemoryTree(SHA256, distinct_leaves(1100))


# --- hasher ---------------------------------------------------------------------------------------------

def test_hasher_prefixes_leaves_and_nodes():
    assert SHA256.digest_size == 32
    assert SHA256.leaf(b"x") == hashlib.sha256(b"\x00x").digest()
    assert SHA256.node(b"a" * 32, b"b" * 32) == hashlib.sha256(b"\x01" + b"a" * 32 + b"b" * 32).digest()


def test_hasher_refuses_unknown_algorithm_naming_the_choices():
    with pytest.raises(ValueError, match="sha256, sm3"):
        TreeHasher("md5")


def test_sm3_is_the_gb_t_32905_hash():
    assert hashlib.new("sm3", b"abc").hexdigest() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert SM3.algorithm == "sm3" and SM3.digest_size == 32
    assert SM3.empty_root().hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


@pytest.mark.parametrize(("n", "expected"), [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1025, 1024)])
def test_split_point_is_the_largest_power_of_two_below_n(n, expected):
    assert split_point(n) == expected


@pytest.mark.parametrize("n", [-1, 0, 1])
def test_split_point_needs_two_leaves(n):
    with pytest.raises(ValueError):
        split_point(n)


# --- RFC 6962 reference vectors ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", range(9))
def test_reference_roots(size):
    assert REFERENCE_TREE.root(size).hex() == REFERENCE_ROOTS[size]
    assert naive_root([SHA256.leaf(data) for data in REFERENCE_LEAVES[:size]]).hex() == REFERENCE_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "expected"), REFERENCE_INCLUSION_PROOFS)
def test_reference_inclusion_proofs(index, size, expected):
    proof = REFERENCE_TREE.inclusion_proof(index, size)
    assert [h.hex() for h in proof] == expected
    leaf_hash = SHA256.leaf(REFERENCE_LEAVES[index])
    assert verify_inclusion(SHA256, leaf_hash, index, size, proof, bytes.fromhex(REFERENCE_ROOTS[size]))


@pytest.mark.parametrize(("old_size", "new_size", "expected"), REFERENCE_CONSISTENCY_PROOFS)
def test_reference_consistency_proofs(old_size, new_size, expected):
    proof = REFERENCE_TREE.consistency_proof(old_size, new_size)
    assert [h.hex() for h in proof] == expected
    assert verify_consistency(SHA256, old_size, new_size, bytes.fromhex(REFERENCE_ROOTS[old_size]),
                              bytes.fromhex(REFERENCE_ROOTS[new_size]), proof)


# --- proof generation and its bounds ----------------------------------------------------------------------

def test_root_of_nothing_is_the_hash_of_nothing():
    assert root_from(0, BIG_TREE.subtree, SHA256) == hashlib.sha256(b"").digest()
    assert MemoryTree(SM3).root() == SM3.empty_root()


@pytest.mark.parametrize(("index", "size"), [(-1, 5), (5, 5), (0, 0)])
def test_inclusion_proof_refuses_a_leaf_outside_the_tree(index, size):
    with pytest.raises(ValueError):
        inclusion_proof(index, size, BIG_TREE.subtree)


@pytest.mark.parametrize(("old_size", "new_size"), [(0, 5), (6, 5), (-1, 3)])
def test_consistency_proof_refuses_sizes_out_of_order(old_size, new_size):
    with pytest.raises(ValueError):
        consistency_proof(old_size, new_size, BIG_TREE.subtree)


def test_memory_tree_refuses_sizes_beyond_its_leaves():
    with pytest.raises(ValueError):
        REFERENCE_TREE.root(9)
    with pytest.raises(ValueError):
        REFERENCE_TREE.inclusion_proof(0, 9)
    with pytest.raises(ValueError):
        REFERENCE_TREE.subtree(3, 9)


def test_memory_tree_grows_by_append():
    tree = MemoryTree(SHA256)
    for size, data in enumerate(REFERENCE_LEAVES, start=1):
        tree.append(SHA256.leaf(data))
        assert tree.size == size
        assert tree.root().hex() == REFERENCE_ROOTS[size]


def test_proofs_make_logarithmically_many_subtree_calls():
    calls = []

    def counting_subtree(start: int, end: int) -> bytes:
        calls.append((start, end))
        return BIG_TREE.subtree(start, end)

    size = 1037
    for index in range(size):
        calls.clear()
        inclusion_proof(index, size, counting_subtree)
        assert len(calls) <= size.bit_length()
    for old_size in range(1, size + 1):
        calls.clear()
        consistency_proof(old_size, size, counting_subtree)
        assert len(calls) <= size.bit_length() + 1


def test_proofs_over_stored_perfect_hashes_of_a_huge_tree():
    """No O(n) work: 2**40 + 12345 identical leaves, each stored perfect-subtree hash made up on demand."""
    old_size, size = 2**39 + 777, 2**40 + 12345
    level_hashes = [SHA256.leaf(b"same entry")]
    while len(level_hashes) <= size.bit_length():
        level_hashes.append(SHA256.node(level_hashes[-1], level_hashes[-1]))
    lookups = []

    def stored_perfect(level: int, index: int) -> bytes:
        assert (index + 1) << level <= size
        lookups.append((level, index))
        return level_hashes[level]

    def subtree(start: int, end: int) -> bytes:
        return perfect_subtree_hash(start, end, stored_perfect, SHA256)

    root, old_root = root_from(size, subtree, SHA256), root_from(old_size, subtree, SHA256)
    for index in (0, 1, 2**39 + 5, size - 1):
        proof = inclusion_proof(index, size, subtree)
        assert verify_inclusion(SHA256, level_hashes[0], index, size, proof, root)
    assert verify_consistency(SHA256, old_size, size, old_root, root, consistency_proof(old_size, size, subtree))
    assert len(lookups) < 2_000


# --- properties -------------------------------------------------------------------------------------------

@given(data=st.data(), size=st.integers(min_value=1, max_value=BIG_TREE.size))
def test_every_inclusion_proof_verifies_and_no_altered_one_does(data, size):
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    leaf, root = BIG_TREE.subtree(index, index + 1), BIG_TREE.root(size)
    proof = BIG_TREE.inclusion_proof(index, size)
    assert verify_inclusion(SHA256, leaf, index, size, proof, root)
    if proof:
        position = data.draw(st.integers(min_value=0, max_value=len(proof) - 1))
        assert not verify_inclusion(SHA256, leaf, index, size, flip_byte(proof, position), root)
        assert not verify_inclusion(SHA256, leaf, index, size, proof[:-1], root)
    assert not verify_inclusion(SHA256, leaf, index, size, [*proof, root], root)
    if size > 1:
        other_index = data.draw(st.integers(min_value=0, max_value=size - 1).filter(lambda i: i != index))
        assert not verify_inclusion(SHA256, leaf, other_index, size, proof, root)
    other_size = data.draw(st.integers(min_value=index + 1, max_value=BIG_TREE.size).filter(lambda s: s != size))
    assert not verify_inclusion(SHA256, leaf, index, other_size, proof, BIG_TREE.root(other_size))
    assert not verify_inclusion(SHA256, flip_byte([leaf], 0)[0], index, size, proof, root)


def test_every_inclusion_proof_of_small_trees_verifies():
    for size in range(1, 65):
        root = BIG_TREE.root(size)
        for index in range(size):
            proof = BIG_TREE.inclusion_proof(index, size)
            assert verify_inclusion(SHA256, BIG_TREE.subtree(index, index + 1), index, size, proof, root)
            assert not verify_inclusion(SHA256, BIG_TREE.subtree(index, index + 1), index, size + 1, proof,
                                        BIG_TREE.root(size + 1))


def test_size_is_bound_by_the_root_not_by_the_proof():
    """As in RFC 9162, a proof may also fit a smaller claimed size: callers take size and root from one checkpoint."""
    proof, root = REFERENCE_TREE.inclusion_proof(0, 8), REFERENCE_TREE.root(8)
    assert verify_inclusion(SHA256, REFERENCE_TREE.subtree(0, 1), 0, 7, proof, root)
    assert not verify_inclusion(SHA256, REFERENCE_TREE.subtree(0, 1), 0, 7, proof, REFERENCE_TREE.root(7))
    short_proof, root_4 = REFERENCE_TREE.inclusion_proof(0, 4), REFERENCE_TREE.root(4)
    assert not verify_inclusion(SHA256, REFERENCE_TREE.subtree(0, 1), 0, 5, short_proof, root_4)
    assert not verify_consistency(SHA256, 2, 5, REFERENCE_TREE.root(2), root_4, REFERENCE_TREE.consistency_proof(2, 4))


def test_verification_refuses_out_of_range_and_wrongly_sized_inputs():
    leaf, root = REFERENCE_TREE.subtree(0, 1), REFERENCE_TREE.root(1)
    assert verify_inclusion(SHA256, leaf, 0, 1, [], root)
    assert not verify_inclusion(SHA256, leaf, 1, 1, [], root)
    assert not verify_inclusion(SHA256, leaf, -1, 1, [], root)
    assert not verify_inclusion(SHA256, leaf[:31], 0, 1, [], root[:31])
    assert not verify_consistency(SHA256, 0, 1, SHA256.empty_root(), root, [])
    assert not verify_consistency(SHA256, 2, 1, root, root, [])
    assert not verify_consistency(SHA256, 3, 5, REFERENCE_TREE.root(3), REFERENCE_TREE.root(5), [])
    assert not verify_consistency(SHA256, 4, 5, REFERENCE_TREE.root(4), REFERENCE_TREE.root(5), [])


def test_every_consistency_proof_up_to_64_verifies_and_altered_roots_do_not():
    for new_size in range(1, 65):
        new_root = BIG_TREE.root(new_size)
        for old_size in range(1, new_size + 1):
            old_root, proof = BIG_TREE.root(old_size), BIG_TREE.consistency_proof(old_size, new_size)
            assert verify_consistency(SHA256, old_size, new_size, old_root, new_root, proof)
            assert not verify_consistency(SHA256, old_size, new_size, flip_byte([old_root], 0)[0], new_root, proof)
            assert not verify_consistency(SHA256, old_size, new_size, old_root, flip_byte([new_root], 0)[0], proof)
            if proof:
                assert not verify_consistency(SHA256, old_size, new_size, old_root, new_root, flip_byte(proof, -1))
                assert not verify_consistency(SHA256, old_size, new_size, old_root, new_root, proof[1:])
            if old_size < new_size:
                assert not verify_consistency(SHA256, old_size, new_size + 1, old_root, BIG_TREE.root(new_size + 1),
                                              proof)
                assert not verify_consistency(SHA256, old_size + 1, new_size, BIG_TREE.root(old_size + 1), new_root,
                                              proof)


def test_equal_sizes_need_equal_roots_and_an_empty_proof():
    root = BIG_TREE.root(5)
    assert verify_consistency(SHA256, 5, 5, root, root, [])
    assert not verify_consistency(SHA256, 5, 5, root, BIG_TREE.root(6), [])
    assert not verify_consistency(SHA256, 5, 5, root, root, [root])


@given(data=st.data())
def test_consistency_proofs_of_larger_trees_verify(data):
    new_size = data.draw(st.integers(min_value=1, max_value=BIG_TREE.size))
    old_size = data.draw(st.integers(min_value=1, max_value=new_size))
    proof = BIG_TREE.consistency_proof(old_size, new_size)
    assert verify_consistency(SHA256, old_size, new_size, BIG_TREE.root(old_size), BIG_TREE.root(new_size), proof)
    if old_size > 1:
        assert not verify_consistency(SHA256, old_size, new_size, BIG_TREE.root(old_size - 1),
                                      BIG_TREE.root(new_size), proof)


@given(data=st.data())
def test_perfect_subtree_hash_equals_the_subtree_hash(data):
    size = data.draw(st.integers(min_value=1, max_value=BIG_TREE.size))
    start = data.draw(st.integers(min_value=0, max_value=size - 1))
    end = data.draw(st.integers(min_value=start + 1, max_value=size))
    perfect = perfect_nodes_of(BIG_TREE, size)
    assert perfect_subtree_hash(start, end, lambda level, index: perfect[level, index], SHA256) == BIG_TREE.subtree(
        start, end)


def test_perfect_subtree_hash_reads_one_stored_hash_per_aligned_power_of_two():
    perfect = perfect_nodes_of(BIG_TREE, BIG_TREE.size)
    read = []

    def lookup(level: int, index: int) -> bytes:
        read.append((level, index))
        return perfect[level, index]

    assert perfect_subtree_hash(0, 1024, lookup, SHA256) == BIG_TREE.subtree(0, 1024)
    assert read == [(10, 0)]
    read.clear()
    assert perfect_subtree_hash(0, 1037, lookup, SHA256) == BIG_TREE.root(1037)
    assert read == [(10, 0), (3, 128), (2, 258), (0, 1036)]
    with pytest.raises(ValueError):
        perfect_subtree_hash(5, 5, lookup, SHA256)


def perfect_nodes_of(tree: MemoryTree, size: int) -> dict[tuple[int, int], bytes]:
    """Every perfect subtree of the first ``size`` leaves, built naively."""
    nodes = {}
    level = 0
    while 1 << level <= size:
        width = 1 << level
        for index in range(size // width):
            nodes[level, index] = tree.subtree(index * width, (index + 1) * width)
        level += 1
    return nodes


@settings(max_examples=30)
@given(size=st.integers(min_value=1, max_value=600))
def test_completed_perfect_nodes_reproduce_all_perfect_nodes(size):
    stored: dict[tuple[int, int], bytes] = {}
    for leaf_index in range(size):
        stored[0, leaf_index] = BIG_TREE.subtree(leaf_index, leaf_index + 1)
        completed = completed_perfect_nodes(leaf_index, lambda level, index: stored[level, index], SHA256)
        assert [level for level, _, _ in completed] == list(range(1, len(completed) + 1))
        for level, index, node_hash in completed:
            assert (index + 1) << level == leaf_index + 1
            assert (level, index) not in stored
            stored[level, index] = node_hash
    assert stored == perfect_nodes_of(BIG_TREE, size)


def test_completed_perfect_nodes_of_the_reference_tree():
    stored = {(0, i): REFERENCE_TREE.subtree(i, i + 1) for i in range(8)}
    stored |= {(1, 0): REFERENCE_TREE.subtree(0, 2), (1, 1): REFERENCE_TREE.subtree(2, 4),
               (1, 2): REFERENCE_TREE.subtree(4, 6), (2, 0): REFERENCE_TREE.subtree(0, 4)}
    completed = completed_perfect_nodes(7, lambda level, index: stored[level, index], SHA256)
    assert [(level, index, h.hex()) for level, index, h in completed] == [
        (1, 3, "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        (2, 1, "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
        (3, 0, REFERENCE_ROOTS[8]),
    ]
    assert completed_perfect_nodes(6, lambda level, index: pytest.fail("nothing to read"), SHA256) == []


@given(data=st.data())
def test_sm3_trees_differ_from_sha256_trees_and_their_proofs_verify(data):
    size = data.draw(st.integers(min_value=1, max_value=200))
    entries = [i.to_bytes(2, "big") for i in range(size)]
    sm3_tree = MemoryTree(SM3, [SM3.leaf(entry) for entry in entries])
    sha256_tree = MemoryTree(SHA256, [SHA256.leaf(entry) for entry in entries])
    assert sm3_tree.root() != sha256_tree.root()
    assert sm3_tree.root() == naive_root([SM3.leaf(entry) for entry in entries], SM3)
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    proof = sm3_tree.inclusion_proof(index)
    assert verify_inclusion(SM3, SM3.leaf(entries[index]), index, size, proof, sm3_tree.root())
    if size > 1:
        assert not verify_inclusion(SHA256, SM3.leaf(entries[index]), index, size, proof, sm3_tree.root())
    old_size = data.draw(st.integers(min_value=1, max_value=size))
    assert verify_consistency(SM3, old_size, size, sm3_tree.root(old_size), sm3_tree.root(),
                              sm3_tree.consistency_proof(old_size))


# --- pymerkle as an oracle --------------------------------------------------------------------------------
# pymerkle 7's InmemoryTree hashes RFC 6962-style by default (security mode: 0x00 leaf / 0x01 node prefixes);
# its indices count from one, and its proofs carry the leaf hash as path[0].

ORACLE_ENTRIES = [b"entry %d" % i for i in range(300)]
ORACLE = InmemoryTree.init_from_entries(ORACLE_ENTRIES, algorithm="sha256")
ORACLE_SUBJECT = MemoryTree(SHA256, [SHA256.leaf(entry) for entry in ORACLE_ENTRIES])


def test_pymerkle_is_configured_rfc_6962_style():
    assert ORACLE.security and ORACLE.algorithm == "sha256"
    assert ORACLE.get_leaf(1) == SHA256.leaf(ORACLE_ENTRIES[0])


@given(entries=st.lists(st.binary(max_size=12), min_size=1, max_size=300))
@settings(max_examples=40)
def test_roots_match_pymerkle(entries):
    oracle = InmemoryTree.init_from_entries(entries, algorithm="sha256")
    tree = MemoryTree(SHA256, [SHA256.leaf(entry) for entry in entries])
    assert tree.root() == oracle.get_root()


def test_all_roots_and_inclusion_paths_match_pymerkle():
    for size in range(1, 301):
        assert ORACLE_SUBJECT.root(size) == ORACLE.get_root(size)
    for size in (1, 2, 3, 7, 64, 65, 255, 300):
        for index in range(size):
            assert ORACLE.prove_inclusion(index + 1, size).path[1:] == ORACLE_SUBJECT.inclusion_proof(index, size)


def pymerkle_accepts(check) -> bool:
    try:
        check()
    except InvalidProof:
        return False
    return True


@given(data=st.data(), tampering=st.sampled_from(["none", "root", "leaf", "other root"]))
def test_inclusion_verdicts_match_pymerkle(data, tampering):
    size = data.draw(st.integers(min_value=1, max_value=300))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    leaf, root = ORACLE_SUBJECT.subtree(index, index + 1), ORACLE_SUBJECT.root(size)
    if tampering == "root":
        root = flip_byte([root], 0)[0]
    elif tampering == "leaf":
        leaf = flip_byte([leaf], 0)[0]
    elif tampering == "other root":
        root = ORACLE_SUBJECT.root(data.draw(st.integers(min_value=1, max_value=300).filter(lambda s: s != size)))
    oracle_proof = ORACLE.prove_inclusion(index + 1, size)
    ours = verify_inclusion(SHA256, leaf, index, size, ORACLE_SUBJECT.inclusion_proof(index, size), root)
    theirs = pymerkle_accepts(lambda: oracle_proof.verify(leaf, root, index=index + 1, size=size))
    assert ours == theirs == (tampering == "none")
    assert verify_inclusion(SHA256, leaf, index, size, oracle_proof.path[1:], root) == ours


@given(data=st.data(), tampering=st.sampled_from(["none", "new root", "old root", "other old root"]))
def test_consistency_verdicts_match_pymerkle(data, tampering):
    new_size = data.draw(st.integers(min_value=1, max_value=300))
    old_size = data.draw(st.integers(min_value=1, max_value=new_size))
    old_root, new_root = ORACLE_SUBJECT.root(old_size), ORACLE_SUBJECT.root(new_size)
    if tampering == "new root":
        new_root = flip_byte([new_root], 0)[0]
    elif tampering == "old root":
        old_root = flip_byte([old_root], 0)[0]
    elif tampering == "other old root":
        old_root = ORACLE_SUBJECT.root(data.draw(st.integers(min_value=1, max_value=300).filter(
            lambda s: s != old_size)))
    oracle_proof = ORACLE.prove_consistency(old_size, new_size)
    ours = verify_consistency(SHA256, old_size, new_size, old_root, new_root,
                              ORACLE_SUBJECT.consistency_proof(old_size, new_size))
    theirs = pymerkle_accepts(lambda: oracle_proof.verify(old_root, new_root, prior_size=old_size,
                                                          later_size=new_size))
    assert ours == theirs == (tampering == "none")
