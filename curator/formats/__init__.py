"""Date formats editors read: "4 December 2026, 15:42", not Django's "Dec. 4, 2026, 3:42 p.m."."""
