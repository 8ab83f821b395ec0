package cn.tongban.console;

import java.util.List;

/**
 * One page of a list the services return whole (the catalog lists are province-sized, not
 * ledger-sized): the items shown, which page this is and how many there are.
 */
record PageSlice<T>(List<T> items, int page, int pages, int total) {

    static final int SIZE = 20;

    static <T> PageSlice<T> of(List<T> all, int requested) {
        int pages = Math.max(1, (all.size() + SIZE - 1) / SIZE);
        int page = Math.min(Math.max(requested, 0), pages - 1);
        int from = page * SIZE;
        return new PageSlice<>(all.subList(from, Math.min(all.size(), from + SIZE)), page, pages, all.size());
    }

    public boolean hasPrevious() {
        return page > 0;
    }

    public boolean hasNext() {
        return page < pages - 1;
    }
}
