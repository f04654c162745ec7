import unittest

from app import DAY_MS, due


class DueTest(unittest.TestCase):
    def test_once_a_day(self):
        self.assertEqual(due(3 * DAY_MS + 5, None), 3)
        self.assertIsNone(due(3 * DAY_MS + 5, b"3"))
        self.assertEqual(due(4 * DAY_MS, b"3"), 4)


if __name__ == "__main__":
    unittest.main()
