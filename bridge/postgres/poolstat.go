package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// PoolStat is the connection pool's state now, for metrics.
func (s *Store) PoolStat() *pgxpool.Stat { return s.pool.Stat() }
