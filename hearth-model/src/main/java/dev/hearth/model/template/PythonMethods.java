package dev.hearth.model.template;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * The Python methods chat templates call on strings, dicts and sequences, which Jinjava would
 * otherwise look up as Java methods ({@code "a".startswith(…)} has no Java counterpart, and
 * Java's {@code String.split} takes a regex and drops trailing empty strings), and Python's
 * string indexing, which Jinjava lacks.
 *
 * <p>Consulted before Jinjava's own resolvers; it resolves only the calls named in
 * {@link #invoke} and string indexing, leaving every other lookup to them.
 */
final class PythonMethods extends ELResolver {
    /** The method {@link ExpressionRewriter} turns {@code seq[a:b:c]} into. */
    static final String SLICE = "hearth_slice";

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (base == null || method == null) {
            return null;
        }
        String name = method.toString();
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        if (name.equals(SLICE) && args.length == 3) {
            result = slice(base, args[0], args[1], args[2]);
        } else if (base instanceof CharSequence text && PythonStrings.METHODS.contains(name)) {
            result = PythonStrings.call(text.toString(), name, args);
        } else if (base instanceof Map<?, ?> map && name.equals("get") && (args.length == 1 || args.length == 2)) {
            // Jinjava's own get() has no default argument
            result = map.containsKey(args[0]) ? map.get(args[0]) : args.length == 2 ? args[1] : null;
        } else {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** Python's {@code seq[start:stop:step]} on a string or a sequence; null bounds are omitted ones. */
    static Object slice(Object base, Object start, Object stop, Object step) {
        List<?> items;
        if (base instanceof CharSequence text) {
            items = text.codePoints().mapToObj(Character::toString).toList();
        } else if (base instanceof Iterable<?> iterable) {
            List<Object> copy = new ArrayList<>();
            iterable.forEach(copy::add);
            items = copy;
        } else {
            throw new ELException("cannot slice " + (base == null ? "none" : base.getClass().getSimpleName()));
        }
        int n = items.size();
        int by = step == null ? 1 : toInt(step);
        if (by == 0) {
            throw new ELException("slice step cannot be zero");
        }
        int from = bound(start, n, by > 0 ? 0 : n - 1, by);
        int to = bound(stop, n, by > 0 ? n : -1, by);
        List<Object> picked = new ArrayList<>();
        for (int i = from; by > 0 ? i < to : i > to; i += by) {
            picked.add(items.get(i));
        }
        if (base instanceof CharSequence) {
            return String.join("", picked.stream().map(Object::toString).toList());
        }
        return picked;
    }

    /** One end of a slice, resolved against the length as CPython's {@code PySlice_AdjustIndices} does. */
    private static int bound(Object value, int n, int omitted, int step) {
        if (value == null) {
            return omitted;
        }
        int i = toInt(value);
        if (i < 0) {
            i += n;
            if (i < 0) {
                i = step < 0 ? -1 : 0;
            }
        } else if (i >= n) {
            i = step < 0 ? n - 1 : n;
        }
        return i;
    }

    private static int toInt(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        throw new ELException("slice indices must be integers, not " + Objects.toString(value));
    }

    /** {@code text[i]}, which Jinjava does not support; every other read is left to Jinjava. */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        // Jinjava hands the index over as text
        if (base instanceof CharSequence text && property != null && property.toString().matches("-?\\d{1,9}")) {
            int[] codePoints = text.codePoints().toArray();
            int index = Integer.parseInt(property.toString());
            int i = index < 0 ? index + codePoints.length : index;
            if (i < 0 || i >= codePoints.length) {
                throw new ELException("string index out of range");
            }
            context.setPropertyResolved(true);
            return Character.toString(codePoints[i]);
        }
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
