import unittest

from app import next_count


class CountTest(unittest.TestCase):
    def test_counts_up_from_nothing(self):
        self.assertEqual(next_count(None), b"1")
        self.assertEqual(next_count(b"41"), b"42")


if __name__ == "__main__":
    unittest.main()
