import unittest

from app import answer


class AnswerTest(unittest.TestCase):
    def test_answers_with_the_prefix(self):
        self.assertEqual(answer("hello", "Echo: "), "Echo: hello")

    def test_empty_messages_get_no_answer(self):
        self.assertIsNone(answer("  ", "Echo: "))


if __name__ == "__main__":
    unittest.main()
