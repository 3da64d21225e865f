/*
 * power-cut-fs: a FUSE file system for the power-cut check (--durability-check). What is written stays in a volatile
 * cache (a sparse shadow file per file in VOLATILE, with the byte ranges not yet flushed); a file's own fsync or
 * fdatasync persists its unflushed ranges and its size to BACKING and makes them durable there (fdatasync, and the
 * folder's fsync when the file is new). Nothing else persists: not close, not sync(2), not unmount, not exit. So
 * killing this process is the power cut: BACKING then holds exactly what the files' own flushes covered. O_DIRECT
 * writes are treated like any other (a disk with a volatile write cache: durable only after a flush). A file's
 * directory entry follows the file's own first flush; an unlink is durable at once. One flat folder, no subfolders.
 * Usage: power-cut-fs BACKING VOLATILE MOUNTPOINT -f -s [-o fuse options]   (foreground, single-threaded)
 * Built (statically against libfuse3, so the host needs no libfuse) on first use or by scripts/setup.sh with:
 *   cc -O2 -o power-cut-fs power-cut-fs.c -I/usr/include/fuse3 \
 *      -Wl,-Bstatic -lfuse3 -Wl,-Bdynamic -lpthread -ldl
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fuse.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

struct range {
    off_t start, end;
};

struct node {
    char name[NAME_MAX + 1];
    mode_t mode;
    off_t size;            /* the size readers see (volatile) */
    int shadow;            /* volatile copy: holds the unflushed ranges, zeros elsewhere; its size is `size` */
    bool persisted;        /* the file exists in BACKING (its entry was flushed) */
    struct range *dirty;   /* unflushed byte ranges, sorted, disjoint, not adjacent */
    size_t ndirty, cap;
    struct timespec mtime;
    struct node *next;
};

static const char *backing_dir, *volatile_dir;
static int backing_fd = -1;
static struct node *nodes;
static unsigned long shadow_serial;
static char buffer[1 << 20];

static struct node *find(const char *path) {
    if (path[0] != '/' || strchr(path + 1, '/')) return NULL;
    for (struct node *n = nodes; n; n = n->next)
        if (strcmp(n->name, path + 1) == 0) return n;
    return NULL;
}

/* Marks [start, end) unflushed, merging with the ranges it touches. */
static int dirty_add(struct node *n, off_t start, off_t end) {
    if (start >= end) return 0;
    size_t i = 0;
    while (i < n->ndirty && n->dirty[i].end < start) i++;
    size_t j = i;
    while (j < n->ndirty && n->dirty[j].start <= end) {
        if (n->dirty[j].start < start) start = n->dirty[j].start;
        if (n->dirty[j].end > end) end = n->dirty[j].end;
        j++;
    }
    if (i == j) {
        if (n->ndirty == n->cap) {
            size_t cap = n->cap ? n->cap * 2 : 16;
            struct range *grown = realloc(n->dirty, cap * sizeof *grown);
            if (!grown) return -ENOMEM;
            n->dirty = grown;
            n->cap = cap;
        }
        memmove(&n->dirty[i + 1], &n->dirty[i], (n->ndirty - i) * sizeof *n->dirty);
        n->ndirty++;
    } else if (j > i + 1) {
        memmove(&n->dirty[i + 1], &n->dirty[j], (n->ndirty - j) * sizeof *n->dirty);
        n->ndirty -= j - i - 1;
    }
    n->dirty[i].start = start;
    n->dirty[i].end = end;
    return 0;
}

/* Drops the unflushed ranges at or past `size` (a shrink). */
static void dirty_clip(struct node *n, off_t size) {
    size_t kept = 0;
    for (size_t i = 0; i < n->ndirty; i++) {
        if (n->dirty[i].start >= size) continue;
        n->dirty[kept] = n->dirty[i];
        if (n->dirty[kept].end > size) n->dirty[kept].end = size;
        kept++;
    }
    n->ndirty = kept;
}

static int open_shadow(void) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/shadow-%lu", volatile_dir, ++shadow_serial);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) unlink(path); /* anonymous: gone with the process */
    return fd;
}

static struct node *new_node(const char *name, mode_t mode, off_t size, bool persisted) {
    struct node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->shadow = open_shadow();
    if (n->shadow < 0 || ftruncate(n->shadow, size) != 0) {
        if (n->shadow >= 0) close(n->shadow);
        free(n);
        return NULL;
    }
    snprintf(n->name, sizeof n->name, "%s", name);
    n->mode = mode;
    n->size = size;
    n->persisted = persisted;
    clock_gettime(CLOCK_REALTIME, &n->mtime);
    n->next = nodes;
    nodes = n;
    return n;
}

/* Sets the size readers see: a growth is unflushed zeros, a shrink drops what lay beyond. */
static int resize(struct node *n, off_t size) {
    if (size > n->size) {
        int rc = dirty_add(n, n->size, size);
        if (rc) return rc;
    } else {
        dirty_clip(n, size);
    }
    if (ftruncate(n->shadow, size) != 0) return -errno;
    n->size = size;
    return 0;
}

static int write_all(int fd, const char *data, size_t len, off_t off) {
    while (len > 0) {
        ssize_t w = pwrite(fd, data, len, off);
        if (w < 0) return -errno;
        data += w;
        len -= (size_t)w;
        off += w;
    }
    return 0;
}

/*
 * A flush is atomic: its ranges go into a journal in BACKING, which the rename to JOURNAL_DONE commits, and are then
 * applied to the file. A cut before the rename loses the whole flush (it never completed), a cut after it is replayed
 * when BACKING is mounted again. Killing this process is the cut; the host's page cache stands for the disk, so the
 * journal needs no fdatasync of its own.
 */
#define JOURNAL ".qcb-journal"
#define JOURNAL_DONE ".qcb-journal.done"

struct record {
    char name[NAME_MAX + 1]; /* the file; a record with len -1 sets its size to off (the first record of a flush) */
    int64_t off, len;
    int32_t zero;            /* 1: the range reads as zeros (a hole), no data follows; 0: len bytes follow */
    int32_t mode;
};

static int journal_record(int journal, off_t *at, const struct record *r, const char *data) {
    int rc = write_all(journal, (const char *)r, sizeof *r, *at);
    *at += sizeof *r;
    if (rc == 0 && data && r->len > 0) rc = write_all(journal, data, (size_t)r->len, *at);
    if (data && r->len > 0) *at += r->len;
    return rc;
}

/* Journals [start, end) of the shadow: its data as bytes, its holes as zero records. */
static int journal_range(struct node *n, int journal, off_t *at, off_t start, off_t end) {
    struct record r = { .mode = (int32_t)(n->mode & 07777) };
    snprintf(r.name, sizeof r.name, "%s", n->name);
    for (off_t pos = start; pos < end;) {
        off_t data = lseek(n->shadow, pos, SEEK_DATA);
        if (data < 0 || data > end) data = end;
        if (data > pos) {
            r.off = pos, r.len = data - pos, r.zero = 1;
            int rc = journal_record(journal, at, &r, NULL);
            if (rc) return rc;
        }
        off_t hole = data < end ? lseek(n->shadow, data, SEEK_HOLE) : end;
        if (hole < 0 || hole > end) hole = end;
        for (off_t p = data; p < hole;) {
            size_t len = (size_t)(hole - p < (off_t)sizeof buffer ? hole - p : (off_t)sizeof buffer);
            ssize_t got = pread(n->shadow, buffer, len, p);
            if (got <= 0) return got < 0 ? -errno : -EIO;
            r.off = p, r.len = got, r.zero = 0;
            int rc = journal_record(journal, at, &r, buffer);
            if (rc) return rc;
            p += got;
        }
        pos = hole;
    }
    return 0;
}

/* Applies a committed journal to the files in BACKING, then removes it (idempotent: a replay gives the same). */
static int apply_journal(void) {
    int journal = openat(backing_fd, JOURNAL_DONE, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (journal < 0) return errno == ENOENT ? 0 : -errno;
    struct record r;
    int fd = -1, rc = 0;
    char current[NAME_MAX + 1] = "";
    for (off_t at = 0; rc == 0 && pread(journal, &r, sizeof r, at) == (ssize_t)sizeof r; at += sizeof r) {
        if (strcmp(current, r.name) != 0) {
            if (fd >= 0) close(fd);
            snprintf(current, sizeof current, "%s", r.name);
            fd = openat(backing_fd, r.name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, (mode_t)r.mode);
            if (fd < 0) { rc = -errno; break; }
        }
        if (r.len < 0) {
            rc = ftruncate(fd, r.off) == 0 ? 0 : -errno;
        } else if (r.zero) {
            if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, r.off, r.len) != 0) rc = -errno;
        } else {
            for (int64_t done = 0; rc == 0 && done < r.len;) {
                size_t len = (size_t)(r.len - done < (int64_t)sizeof buffer ? r.len - done : (int64_t)sizeof buffer);
                ssize_t got = pread(journal, buffer, len, at + (off_t)sizeof r + done);
                rc = got <= 0 ? -EIO : write_all(fd, buffer, (size_t)got, r.off + done);
                done += got > 0 ? got : 0;
            }
            at += r.len;
        }
    }
    if (fd >= 0) close(fd);
    close(journal);
    if (rc == 0 && unlinkat(backing_fd, JOURNAL_DONE, 0) != 0) rc = -errno;
    return rc;
}

/* A file's flush: its unflushed ranges and its size, made durable at once (journalled, committed, applied). */
static int persist(struct node *n) {
    int journal = openat(backing_fd, JOURNAL, O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (journal < 0) return -errno;
    off_t at = 0;
    struct record size = { .off = n->size, .len = -1, .mode = (int32_t)(n->mode & 07777) };
    snprintf(size.name, sizeof size.name, "%s", n->name);
    int rc = journal_record(journal, &at, &size, NULL);
    for (size_t i = 0; rc == 0 && i < n->ndirty; i++)
        rc = journal_range(n, journal, &at, n->dirty[i].start, n->dirty[i].end);
    close(journal);
    if (rc == 0 && renameat(backing_fd, JOURNAL, backing_fd, JOURNAL_DONE) != 0) rc = -errno;
    if (rc == 0) rc = apply_journal();
    if (rc != 0) return rc;
    n->persisted = true;
    for (size_t i = 0; i < n->ndirty; i++) /* the volatile copy keeps only what is unflushed */
        fallocate(n->shadow, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, n->dirty[i].start,
                  n->dirty[i].end - n->dirty[i].start);
    n->ndirty = 0;
    return 0;
}

/* Reads [off, off + len) of the durable file, zeros past its end or when it does not exist. */
static int read_durable(struct node *n, char *buf, size_t len, off_t off) {
    memset(buf, 0, len);
    if (!n->persisted) return 0;
    int fd = openat(backing_fd, n->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -errno;
    ssize_t r = pread(fd, buf, len, off);
    int rc = r < 0 ? -errno : 0;
    close(fd);
    return rc;
}

static int fs_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    (void)fi;
    memset(st, 0, sizeof *st);
    st->st_uid = getuid();
    st->st_gid = getgid();
    if (strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    }
    struct node *n = find(path);
    if (!n) return -ENOENT;
    struct stat shadow;
    st->st_mode = S_IFREG | (n->mode & 07777);
    st->st_nlink = 1;
    st->st_size = n->size;
    st->st_blocks = fstat(n->shadow, &shadow) == 0 ? shadow.st_blocks : 0;
    st->st_blksize = 4096;
    st->st_mtim = st->st_ctim = st->st_atim = n->mtime;
    return 0;
}

static int fs_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
    (void)off, (void)fi, (void)flags;
    if (strcmp(path, "/") != 0) return -ENOTDIR;
    fill(buf, ".", NULL, 0, 0);
    fill(buf, "..", NULL, 0, 0);
    for (struct node *n = nodes; n; n = n->next) fill(buf, n->name, NULL, 0, 0);
    return 0;
}

static int fs_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    if (path[0] != '/' || strchr(path + 1, '/') || strlen(path + 1) > NAME_MAX) return -EACCES;
    struct node *n = find(path);
    if (n && (fi->flags & O_EXCL)) return -EEXIST;
    if (n) return (fi->flags & O_TRUNC) ? resize(n, 0) : 0;
    return new_node(path + 1, mode, 0, false) ? 0 : -EIO;
}

static int fs_open(const char *path, struct fuse_file_info *fi) {
    struct node *n = find(path);
    if (!n) return -ENOENT;
    return (fi->flags & O_TRUNC) ? resize(n, 0) : 0;
}

static int fs_read(const char *path, char *buf, size_t len, off_t off, struct fuse_file_info *fi) {
    (void)fi;
    struct node *n = find(path);
    if (!n) return -ENOENT;
    if (off >= n->size) return 0;
    if ((off_t)len > n->size - off) len = (size_t)(n->size - off);
    off_t end = off + (off_t)len;
    for (off_t pos = off; pos < end;) {
        size_t i = 0;
        while (i < n->ndirty && n->dirty[i].end <= pos) i++;
        bool in_dirty = i < n->ndirty && n->dirty[i].start <= pos;
        off_t stop = in_dirty ? n->dirty[i].end : (i < n->ndirty ? n->dirty[i].start : end);
        if (stop > end) stop = end;
        char *at = buf + (pos - off);
        if (in_dirty) {
            ssize_t r = pread(n->shadow, at, (size_t)(stop - pos), pos);
            if (r < 0) return -errno;
            if (r < stop - pos) memset(at + r, 0, (size_t)(stop - pos - r));
        } else {
            int rc = read_durable(n, at, (size_t)(stop - pos), pos);
            if (rc) return rc;
        }
        pos = stop;
    }
    return (int)len;
}

static int fs_write(const char *path, const char *buf, size_t len, off_t off, struct fuse_file_info *fi) {
    (void)fi;
    struct node *n = find(path);
    if (!n) return -ENOENT;
    off_t end = off + (off_t)len;
    int rc = write_all(n->shadow, buf, len, off);
    if (rc == 0) rc = dirty_add(n, off < n->size ? off : n->size, end);
    if (rc) return rc;
    if (end > n->size) n->size = end;
    clock_gettime(CLOCK_REALTIME, &n->mtime);
    return (int)len;
}

static int fs_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    (void)fi;
    struct node *n = find(path);
    return n ? resize(n, size) : -ENOENT;
}

static int fs_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)datasync, (void)fi;
    struct node *n = find(path);
    return n ? persist(n) : -ENOENT;
}

static int fs_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
    (void)fi;
    struct node *n = find(path);
    if (!n) return -ENOENT;
    off_t end = off + len;
    int zeroing = mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE);
    if (mode & ~(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE)) return -EOPNOTSUPP;
    if (!(mode & FALLOC_FL_KEEP_SIZE) && end > n->size) {
        int rc = resize(n, end);
        if (rc) return rc;
    }
    if (!zeroing) return 0;
    if (end > n->size) end = n->size;
    if (off >= end) return 0;
    if (fallocate(n->shadow, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, end - off) != 0) return -errno;
    return dirty_add(n, off, end);
}

static int fs_unlink(const char *path) {
    struct node **at = &nodes;
    while (*at && strcmp((*at)->name, path + 1) != 0) at = &(*at)->next;
    if (!*at) return -ENOENT;
    struct node *n = *at;
    if (n->persisted && unlinkat(backing_fd, n->name, 0) != 0) return -errno;
    *at = n->next;
    close(n->shadow);
    free(n->dirty);
    free(n);
    return 0;
}

static int fs_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    (void)fi;
    struct node *n = find(path);
    if (!n) return strcmp(path, "/") == 0 ? 0 : -ENOENT;
    n->mode = mode;
    return 0;
}

static int fs_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    (void)uid, (void)gid, (void)fi;
    return strcmp(path, "/") == 0 || find(path) ? 0 : -ENOENT;
}

static int fs_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    (void)tv, (void)fi;
    return strcmp(path, "/") == 0 || find(path) ? 0 : -ENOENT;
}

static int fs_statfs(const char *path, struct statvfs *st) {
    (void)path;
    return fstatvfs(backing_fd, st) == 0 ? 0 : -errno;
}

static int fs_refuse(const char *path, mode_t mode) {
    (void)path, (void)mode;
    return -EPERM;
}

static int fs_mknod(const char *path, mode_t mode, dev_t dev) {
    (void)path, (void)mode, (void)dev;
    return -EPERM;
}

static void *fs_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    (void)conn;
    cfg->hard_remove = 1;
    cfg->kernel_cache = 0;
    return NULL;
}

static const struct fuse_operations ops = {
    .init = fs_init,
    .getattr = fs_getattr,
    .readdir = fs_readdir,
    .create = fs_create,
    .open = fs_open,
    .read = fs_read,
    .write = fs_write,
    .truncate = fs_truncate,
    .fsync = fs_fsync,
    .fallocate = fs_fallocate,
    .unlink = fs_unlink,
    .chmod = fs_chmod,
    .chown = fs_chown,
    .utimens = fs_utimens,
    .statfs = fs_statfs,
    .mkdir = fs_refuse,
    .mknod = fs_mknod,
};

/* The files already durable in BACKING (a remount after a cut): their flushed content, nothing unflushed. */
static int load_backing(void) {
    if (apply_journal() != 0) return -1; /* a flush committed before the cut; one not committed is dropped */
    unlinkat(backing_fd, JOURNAL, 0);
    DIR *dir = fdopendir(dup(backing_fd));
    if (!dir) return -1;
    for (struct dirent *e; (e = readdir(dir));) {
        struct stat st;
        if (e->d_name[0] == '.') continue; /* ".", "..", the journal: names qemu-img's outputs do not have */
        if (fstatat(backing_fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) continue;
        if (!new_node(e->d_name, st.st_mode, st.st_size, true)) return closedir(dir), -1;
    }
    return closedir(dir);
}

int main(int argc, char *argv[]) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s BACKING VOLATILE MOUNTPOINT [fuse options]\n", argv[0]);
        return 2;
    }
    backing_dir = argv[1];
    volatile_dir = argv[2];
    backing_fd = open(backing_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (backing_fd < 0 || load_backing() != 0) {
        fprintf(stderr, "power-cut-fs: cannot use %s: %s\n", backing_dir, strerror(errno));
        return 1;
    }
    argv[2] = argv[0];
    return fuse_main(argc - 2, argv + 2, &ops, NULL);
}
