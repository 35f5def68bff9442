package dev.hearth.model.constrain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A small trie of byte strings, each with a number: the texts of an {@code enum}, or an object's
 * property names. Node 0 is the root; children are found by byte. Each node also knows the numbers
 * of the texts below it, so a reader can tell at once whether a prefix still leads to a text it
 * may use (an object lets only some of its properties come next).
 */
final class ByteTrie {
    private final int[] childStart; // node -> first index into childBytes/childNodes; length nodes + 1
    private final byte[] childBytes;
    private final int[] childNodes;
    private final int[] values; // node -> the number of the text ending there, or -1
    private final int[][] below; // node -> sorted numbers of the texts at or below it

    private ByteTrie(int[] childStart, byte[] childBytes, int[] childNodes, int[] values, int[][] below) {
        this.childStart = childStart;
        this.childBytes = childBytes;
        this.childNodes = childNodes;
        this.values = values;
        this.below = below;
    }

    /**
     * The trie of {@code texts}, text {@code i} numbered {@code i}; of equal texts the first
     * keeps its number.
     */
    static ByteTrie of(List<byte[]> texts) {
        Builder root = new Builder();
        for (int i = 0; i < texts.size(); i++) {
            Builder node = root;
            for (byte b : texts.get(i)) {
                node = node.children.computeIfAbsent(b & 0xFF, k -> new Builder());
            }
            if (node.value < 0) {
                node.value = i;
            }
        }
        List<Builder> nodes = new ArrayList<>();
        root.number(nodes);
        int n = nodes.size();
        int[] childStart = new int[n + 1];
        byte[] childBytes = new byte[n - 1];
        int[] childNodes = new int[n - 1];
        int[] values = new int[n];
        int[][] below = new int[n][];
        int edge = 0;
        for (int id = 0; id < n; id++) {
            Builder node = nodes.get(id);
            childStart[id] = edge;
            for (var child : node.children.entrySet()) {
                childBytes[edge] = (byte) (int) child.getKey();
                childNodes[edge] = child.getValue().id;
                edge++;
            }
            values[id] = node.value;
        }
        childStart[n] = edge;
        for (int id = n - 1; id >= 0; id--) { // children have larger ids than their parent
            Builder node = nodes.get(id);
            int[] numbers = node.value >= 0 ? new int[] {node.value} : new int[0];
            for (Builder child : node.children.values()) {
                int[] more = below[child.id];
                int[] merged = Arrays.copyOf(numbers, numbers.length + more.length);
                System.arraycopy(more, 0, merged, numbers.length, more.length);
                numbers = merged;
            }
            Arrays.sort(numbers);
            below[id] = numbers;
        }
        return new ByteTrie(childStart, childBytes, childNodes, values, below);
    }

    /** The child of {@code node} along byte {@code b} (0–255, or {@link Rule#END}), or -1. */
    int child(int node, int b) {
        for (int e = childStart[node], end = childStart[node + 1]; e < end; e++) {
            if ((childBytes[e] & 0xFF) == b) {
                return childNodes[e];
            }
        }
        return -1;
    }

    boolean hasChildren(int node) {
        return childStart[node + 1] > childStart[node];
    }

    /** The number of the text that ends at {@code node}, or -1. */
    int value(int node) {
        return values[node];
    }

    /** Whether a text numbered {@code low}..{@code high} ends at or below {@code node}. */
    boolean leadsTo(int node, int low, int high) {
        int[] numbers = below[node];
        int i = Arrays.binarySearch(numbers, low);
        if (i >= 0) {
            return true;
        }
        int next = -i - 1;
        return next < numbers.length && numbers[next] <= high;
    }

    /** Whether the trie holds no text. */
    boolean isEmpty() {
        return below[0].length == 0;
    }

    private static final class Builder {
        final TreeMap<Integer, Builder> children = new TreeMap<>();
        int value = -1;
        int id;

        /** Numbers this subtree in preorder (iteratively: a text may be long). */
        void number(List<Builder> out) {
            List<Builder> stack = new ArrayList<>(List.of(this));
            while (!stack.isEmpty()) {
                Builder node = stack.removeLast();
                node.id = out.size();
                out.add(node);
                stack.addAll(node.children.descendingMap().values());
            }
        }
    }
}
