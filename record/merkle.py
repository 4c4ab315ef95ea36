"""Merkle tree hashing, proofs and proof verification as in RFC 9162 §2.1 (Certificate Transparency).

Proof generation is written against a ``SubtreeHash`` callable, so that a store can supply the
hash of any leaf range (for example from stored perfect-subtree hashes via ``perfect_subtree_hash``).
"""

import hashlib
import hmac
from collections.abc import Callable, Iterable, Sequence

ALGORITHMS = ("sha256", "sm3")

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"

SubtreeHash = Callable[[int, int], bytes]
"""MTH of the leaves [start, end), 0 <= start < end."""

PerfectHash = Callable[[int, int], bytes]
"""perfect(level, index): the hash of the leaves [index * 2**level, (index + 1) * 2**level)."""


class TreeHasher:
    def __init__(self, algorithm: str = "sha256") -> None:
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown Merkle tree hash {algorithm!r}; choose one of {', '.join(ALGORITHMS)}")
        self.algorithm = algorithm
        self.digest_size = hashlib.new(algorithm).digest_size

    def __repr__(self) -> str:
        return f"TreeHasher({self.algorithm!r})"

    def empty_root(self) -> bytes:
        return self._hash(b"")

    def leaf(self, data: bytes) -> bytes:
        return self._hash(_LEAF_PREFIX + data)

    def node(self, left: bytes, right: bytes) -> bytes:
        return self._hash(_NODE_PREFIX + left + right)

    def _hash(self, data: bytes) -> bytes:
        return hashlib.new(self.algorithm, data).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than n (n >= 2): where RFC 9162 splits n leaves."""
    if n < 2:
        raise ValueError(f"only a range of at least 2 leaves is split, not {n}")
    return 1 << ((n - 1).bit_length() - 1)


def root_from(size: int, subtree: SubtreeHash, hasher: TreeHasher) -> bytes:
    if size < 0:
        raise ValueError(f"tree size must not be negative, not {size}")
    return subtree(0, size) if size else hasher.empty_root()


def inclusion_proof(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, nearest sibling first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size} leaves")
    siblings = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split_point(end - start)
        if index < middle:
            siblings.append(subtree(middle, end))
            end = middle
        else:
            siblings.append(subtree(start, middle))
            start = middle
    return siblings[::-1]


def consistency_proof(old_size: int, new_size: int, subtree: SubtreeHash) -> list[bytes]:
    """PROOF(old_size, D[0:new_size]) of RFC 9162 §2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
    hashes = []
    start, end = 0, new_size
    old_tree_is_whole_subtree = True  # the flag b of SUBPROOF
    while end != old_size:
        middle = start + split_point(end - start)
        if old_size <= middle:
            hashes.append(subtree(middle, end))
            end = middle
        else:
            hashes.append(subtree(start, middle))
            start = middle
            old_tree_is_whole_subtree = False
    if not old_tree_is_whole_subtree:
        hashes.append(subtree(start, end))
    return hashes[::-1]


def verify_inclusion(hasher: TreeHasher, leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes],
                     root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size or not _all_digests(hasher, [leaf_hash, root, *proof]):
        return False
    position, last = index, size - 1
    computed = leaf_hash
    for sibling in proof:
        if last == 0:
            return False
        if position & 1 or position == last:
            computed = hasher.node(sibling, computed)
            while not position & 1 and position:
                position, last = position >> 1, last >> 1
        else:
            computed = hasher.node(computed, sibling)
        position, last = position >> 1, last >> 1
    return last == 0 and hmac.compare_digest(computed, root)


def verify_consistency(hasher: TreeHasher, old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2; equal sizes need an empty proof and equal roots."""
    if not 0 < old_size <= new_size or not _all_digests(hasher, [old_root, new_root, *proof]):
        return False
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if _is_power_of_two(old_size):
        proof = [old_root, *proof]
    if not proof:
        return False
    position, last = old_size - 1, new_size - 1
    while position & 1:
        position, last = position >> 1, last >> 1
    old_computed = new_computed = proof[0]
    for sibling in proof[1:]:
        if last == 0:
            return False
        if position & 1 or position == last:
            old_computed = hasher.node(sibling, old_computed)
            new_computed = hasher.node(sibling, new_computed)
            while not position & 1 and position:
                position, last = position >> 1, last >> 1
        else:
            new_computed = hasher.node(new_computed, sibling)
        position, last = position >> 1, last >> 1
    return last == 0 and hmac.compare_digest(old_computed, old_root) and hmac.compare_digest(new_computed, new_root)


def perfect_subtree_hash(start: int, end: int, perfect: PerfectHash, hasher: TreeHasher) -> bytes:
    """MTH of the leaves [start, end) from stored perfect-subtree hashes.

    The range is split as RFC 9162 splits D[start:end]; every piece that is an aligned power of two
    is read with one perfect() call, so a range starting on a split boundary (every range a proof or
    root asks for) costs O(log(end - start)) calls."""
    if not 0 <= start < end:
        raise ValueError(f"no subtree over the leaf range [{start}, {end})")
    width = end - start
    if _is_power_of_two(width) and start % width == 0:
        return perfect(width.bit_length() - 1, start // width)
    middle = start + split_point(width)
    return hasher.node(perfect_subtree_hash(start, middle, perfect, hasher),
                       perfect_subtree_hash(middle, end, perfect, hasher))


def completed_perfect_nodes(leaf_index: int, perfect: PerfectHash, hasher: TreeHasher) -> list[tuple[int, int, bytes]]:
    """(level, index, hash) of each perfect subtree of level >= 1 that leaf ``leaf_index`` completes, bottom-up.

    perfect() is asked only for nodes that existed before this leaf (the left siblings) and for the
    leaf itself at level 0; each new node is the right child of the next, so it is carried along.
    A leaf with an even index completes nothing and costs no perfect() call."""
    if leaf_index < 0:
        raise ValueError(f"leaf index must not be negative, not {leaf_index}")
    completed: list[tuple[int, int, bytes]] = []
    if not leaf_index & 1:
        return completed
    level, index = 0, leaf_index
    right = perfect(0, leaf_index)
    while index & 1:
        right = hasher.node(perfect(level, index - 1), right)
        level, index = level + 1, index >> 1
        completed.append((level, index, right))
    return completed


class MemoryTree:
    """A tree over leaf hashes held in a list, for tests and verifiers."""

    def __init__(self, hasher: TreeHasher, leaf_hashes: Iterable[bytes] = ()) -> None:
        self.hasher = hasher
        self._leaves = list(leaf_hashes)
        self._subtrees: dict[tuple[int, int], bytes] = {}

    @property
    def size(self) -> int:
        return len(self._leaves)

    def append(self, leaf_hash: bytes) -> None:
        self._leaves.append(leaf_hash)

    def subtree(self, start: int, end: int) -> bytes:
        """MTH of the leaves [start, end); memoised, as appending never changes a complete range."""
        if not 0 <= start < end <= self.size:
            raise ValueError(f"no subtree over the leaf range [{start}, {end}) of a tree of {self.size} leaves")
        if end - start == 1:
            return self._leaves[start]
        known = self._subtrees.get((start, end))
        if known is None:
            middle = start + split_point(end - start)
            known = self.hasher.node(self.subtree(start, middle), self.subtree(middle, end))
            self._subtrees[start, end] = known
        return known

    def root(self, size: int | None = None) -> bytes:
        return root_from(self._checked_size(size), self.subtree, self.hasher)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._checked_size(size), self.subtree)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        return consistency_proof(old_size, self._checked_size(new_size), self.subtree)

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")
        return size


def _is_power_of_two(n: int) -> bool:
    return n > 0 and n & (n - 1) == 0


def _all_digests(hasher: TreeHasher, values: Iterable[bytes]) -> bool:
    return all(isinstance(value, bytes) and len(value) == hasher.digest_size for value in values)
